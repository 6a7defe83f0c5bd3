import { RedactionRecord } from '../domain/redaction';
import { REDACTION_ERRORS, redactionProgress, requestRedaction } from './partner-redactions';
import { PartnerRedactionsPort, PartnerView } from './ports';

const partner = (appId: string): PartnerView => ({ appId, name: appId, active: true, features: [], callbackUrl: '' });

/** Subjects and redactions as the gateway keeps them, in memory. */
function platform() {
  const subjects = new Map<string, string>([['p1/u1', 's1']]);
  const records: (RedactionRecord & { userId: string })[] = [];
  const redactions: PartnerRedactionsPort = {
    async request({ partnerId, partnerUserId, subjectId }) {
      const earlier = records.find((r) => r.subjectId === subjectId);
      if (earlier) return { record: earlier, created: false };
      const record = { redactionId: `r${records.length + 1}`, partnerId, subjectId, userId: partnerUserId, requestedAt: new Date(), completions: new Map() };
      records.push(record);
      return { record, created: true };
    },
    latestOfUser: async (partnerId, userId) => records.filter((r) => r.partnerId === partnerId && r.userId === userId).pop(),
    find: async (id) => records.find((r) => r.redactionId === id),
  };
  const ports = {
    subjects: { findSubject: async (p: string, u: string) => (subjects.has(`${p}/${u}`) ? { subjectId: subjects.get(`${p}/${u}`)!, uid: 1, partnerId: p } : undefined) },
    redactions,
  };
  return { ports, subjects, records };
}

describe('partner redactions', () => {
  it('when a partner redacts its user, then one redaction is recorded for the subject and asking again answers it', async () => {
    const { ports, records } = platform();
    const first = await requestRedaction(ports, partner('p1'), 'u1');
    expect(first.created).toBe(true);
    expect(first.progress.status).toBe('processing');
    const again = await requestRedaction(ports, partner('p1'), 'u1');
    expect(again.progress.redactionId).toBe(first.progress.redactionId);
    expect(records).toHaveLength(1);
  });

  it('when the subject is already erased, then asking again answers the earlier redaction', async () => {
    const { ports, subjects } = platform();
    const first = await requestRedaction(ports, partner('p1'), 'u1');
    subjects.clear();
    expect((await requestRedaction(ports, partner('p1'), 'u1')).progress.redactionId).toBe(first.progress.redactionId);
  });

  it('when another partner names the same user id, then it is not found', async () => {
    const { ports } = platform();
    await expect(requestRedaction(ports, partner('p2'), 'u1')).rejects.toMatchObject({ code: REDACTION_ERRORS.userNotFound });
  });

  it('when another partner asks for the progress of a redaction, then it is not found', async () => {
    const { ports } = platform();
    const { progress } = await requestRedaction(ports, partner('p1'), 'u1');
    await expect(redactionProgress(ports, partner('p2'), progress.redactionId)).rejects.toMatchObject({ code: REDACTION_ERRORS.redactionNotFound });
    expect((await redactionProgress(ports, partner('p1'), progress.redactionId)).redactionId).toBe(progress.redactionId);
  });
});
