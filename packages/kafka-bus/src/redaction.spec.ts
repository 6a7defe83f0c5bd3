import { redaction } from '@kyc/contracts';
import { createLogger, KycError } from '@kyc/core';
import { EventBus, SubscribeOptions } from './bus';
import { buildEnvelope } from './envelope';
import { decodeRedactionRequest, encodeRedactionRequest, REDACTION_EVENT_TYPES, subscribeToRedactionRequests } from './redaction';

/** A bus that hands the subscription's handlers to the test and records what is published. */
function fakeBus(publishFails = false) {
  const published: { family: string; type: string; key: string; payload: Uint8Array; causationId?: string }[] = [];
  let options: SubscribeOptions | undefined;
  const bus = {
    subscribe: async (o: SubscribeOptions) => ((options = o), { pause() {}, resume() {}, stop: async () => undefined }),
    publish: async (family: string, e: { type: string; key: string; payload: Uint8Array; causationId?: string }) => {
      if (publishFails) throw new Error('broker down');
      published.push({ family, ...e });
    },
  } as unknown as EventBus;
  return { bus, published, handler: () => options!.handlers[REDACTION_EVENT_TYPES.requested] };
}

const request = { redactionId: 'r1', subjectId: 's1', partnerId: 'p1' };
const envelopeOf = (payload: Uint8Array) => buildEnvelope({ type: REDACTION_EVENT_TYPES.requested, key: 's1', payload }, 'gateway');
const logger = createLogger('test', 'silent');
const processed = { has: async () => false, mark: async () => undefined };

describe('redaction requests on kyc.redaction.v1', () => {
  it('when a request arrives, then every erasure runs and each one reports its service done, caused by the request', async () => {
    const { bus, published, handler } = fakeBus();
    const erased: string[] = [];
    await subscribeToRedactionRequests({
      bus,
      processed,
      groupId: 'svc.redaction',
      logger,
      erasures: [
        { service: 'realname-pattern', erase: async (r) => (erased.push(`rp:${r.subjectId}`), 3) },
        { service: 'identity-lookup', erase: async (r) => (erased.push(`il:${r.subjectId}`), 1) },
      ],
    });
    const env = envelopeOf(encodeRedactionRequest(request, new Date()));
    await handler()(env);
    expect(erased).toEqual(['rp:s1', 'il:s1']);
    const reports = published.map((p) => ({ ...redaction.SubjectRedactionCompleted.decode(p.payload), family: p.family, key: p.key, causationId: p.causationId }));
    expect(reports.map((r) => [r.service, r.erased, r.redactionId, r.key, r.causationId, r.family])).toEqual([
      ['realname-pattern', 3, 'r1', 's1', env.eventId, 'kyc.redaction.v1'],
      ['identity-lookup', 1, 'r1', 's1', env.eventId, 'kyc.redaction.v1'],
    ]);
  });

  it('when a request lacks its ids, then it is refused as a poison message', () => {
    expect(() => decodeRedactionRequest(redaction.SubjectRedactionRequested.encode({ redactionId: 'r1', subjectId: '', partnerId: 'p1' }).finish())).toThrow(/lacks/);
  });

  it('when the broker refuses the report, then the request is kept for a retry (a retriable error)', async () => {
    const { bus, handler } = fakeBus(true);
    await subscribeToRedactionRequests({ bus, processed, groupId: 'svc.redaction', logger, erasures: [{ service: 'notifier', erase: async () => 0 }] });
    const failure = await handler()(envelopeOf(encodeRedactionRequest(request, new Date()))).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(KycError);
    expect((failure as KycError).retriable).toBe(true);
  });
});
