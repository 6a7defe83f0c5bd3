import { submission } from '@kyc/contracts';
import { EventBus, TOPICS } from '@kyc/kafka-bus';
import { PiiCipher } from '@kyc/pii-crypto';
import { SubmissionsPort } from '../../application/ports';

/**
 * Publishes what users submit. Personal data cannot be replaced by an id here (the owner has not
 * stored it yet), so it travels sealed under the master key and bound to the subject.
 */
export class SubmissionPublisher implements SubmissionsPort {
  constructor(
    private readonly bus: EventBus,
    private readonly cipher: PiiCipher,
  ) {}

  async infoSubmitted(input: Parameters<SubmissionsPort['infoSubmitted']>[0]) {
    // Seed 001's submissions add the reviewing method and their extra fields to the sealed JSON.
    const extra = input.method ? { method: input.method, document_type: input.documentType ?? 'id-card', details: input.details ?? {} } : {};
    const sealedIdentity = this.cipher.sealString(
      JSON.stringify({ name: input.name, idcard_number: input.idcardNumber, ...extra }),
      `submission:${input.subjectId}`,
    );
    const payload = submission.InfoSubmitted.encode({ subjectId: input.subjectId, partnerId: input.partnerId, sealedIdentity }).finish();
    return this.bus.publish(TOPICS.submission, {
      type: 'kyc.submission.v1.InfoSubmitted',
      key: input.subjectId,
      payload,
      correlationId: input.correlationId,
    });
  }
}
