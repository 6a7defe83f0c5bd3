/**
 * Topic families, one per event family and major version. Deployments (and tests) may prefix
 * them to share a broker; every service resolves names through the same prefix.
 */
export const TOPICS = {
  submission: 'kyc.submission.v1',
  review: 'kyc.review.v1',
  photo: 'kyc.photo.v1',
  verification: 'kyc.verification.v1',
  partner: 'kyc.partner.v1',
  /** One-time codes to send by SMS (realname-pattern -> notifier); number and code sealed. */
  mobileCode: 'kyc.mobile-code.v1',
  /** Partner redactions (gateway -> every service) and each service's completion report. */
  redaction: 'kyc.redaction.v1',
} as const;

export type TopicFamily = (typeof TOPICS)[keyof typeof TOPICS];

export const dlqOf = (topic: string) => `${topic}.dlq`;
