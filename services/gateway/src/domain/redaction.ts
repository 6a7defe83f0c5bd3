/**
 * A partner's redaction of one of its users: every service that holds personal data about the
 * subject erases it and reports back. The redaction is complete when all of them have.
 */
export const REDACTION_SERVICES = ['gateway', 'photo-storage', 'realname-pattern', 'identity-lookup', 'notifier'] as const;

export interface RedactionRecord {
  redactionId: string;
  partnerId: string;
  subjectId: string;
  requestedAt: Date;
  /** Services that reported completion, with when. Reports from unknown services are ignored. */
  completions: Map<string, Date>;
}

export interface RedactionProgress {
  redactionId: string;
  status: 'processing' | 'completed';
  requestedAt: Date;
  /** When the last service finished, once all have. */
  completedAt?: Date;
  services: { service: string; status: 'pending' | 'completed'; completedAt?: Date }[];
}

export function progressOf(r: RedactionRecord): RedactionProgress {
  const services = REDACTION_SERVICES.map((service) => {
    const completedAt = r.completions.get(service);
    return completedAt ? { service, status: 'completed' as const, completedAt } : { service, status: 'pending' as const };
  });
  const done = services.every((s) => s.status === 'completed');
  const last = Math.max(...services.map((s) => s.completedAt?.getTime() ?? 0));
  return {
    redactionId: r.redactionId,
    status: done ? 'completed' : 'processing',
    requestedAt: r.requestedAt,
    ...(done ? { completedAt: new Date(last) } : {}),
    services,
  };
}
