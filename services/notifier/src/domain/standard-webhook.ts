/** The Standard Webhooks payload of a finished verification: ids and codes, no personal data. */
export interface VerificationCompletedWebhook {
  type: 'verification.completed';
  timestamp: string;
  data: {
    verification_id: string;
    subject_id: string;
    method: string;
    status: 'succeeded' | 'failed';
    result_code: string;
    partner_reference: string;
  };
}

export function buildVerificationWebhook(input: {
  verificationId: string;
  subjectId: string;
  method: string;
  succeeded: boolean;
  resultCode: string;
  partnerReference: string;
  completedAt: Date;
}): VerificationCompletedWebhook {
  return {
    type: 'verification.completed',
    timestamp: input.completedAt.toISOString(),
    data: {
      verification_id: input.verificationId,
      subject_id: input.subjectId,
      method: input.method,
      status: input.succeeded ? 'succeeded' : 'failed',
      result_code: input.resultCode,
      partner_reference: input.partnerReference,
    },
  };
}
