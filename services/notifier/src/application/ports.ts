import { CallbackFormat, CallbackState, ParkReason } from '../domain/callback';

/** A finished verification the partner is owed a callback for (from VerificationCompleted). */
export interface OwedCallback {
  callbackId: string;
  verificationId: string;
  subjectId: string;
  partnerId: string;
  method: string;
  succeeded: boolean;
  resultCode: string;
  completedAt: Date;
  /** When the verification completed as an event (for time-to-delivery). */
  eventOccurredAt: Date;
  correlationId: string;
}

/** What the dispatcher needs of a verification beyond the event; personal data stays sealed at rest. */
export interface CallbackDetails {
  partnerReference: string;
  callbackUrl: string;
  idNumber: string;
}

export interface DueCandidate {
  callbackId: string;
  partnerId: string;
}

/** A leased callback, with its stored details already opened (the claim read them anyway). */
export interface ClaimedCallback extends CallbackRecord {
  details?: CallbackDetails;
}

export interface CallbackRecord extends OwedCallback {
  state: CallbackState;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil?: Date;
  createdAt: Date;
  deliveredAt?: Date;
  parkReason?: ParkReason;
  lastOutcome?: string;
  /** Host and path of the endpoint of the last attempt. */
  endpoint?: string;
  format?: CallbackFormat;
  hasDetails: boolean;
  /** `attempts` when the retry ladder (re)started: a resend gets the whole ladder again. */
  ladderStart: number;
  /** Queued by an operator: tried even if its endpoint answered 410 before. */
  resendRequested: boolean;
}

export interface CallbackStore {
  /** Creates the callback; false when it exists already (a redelivered event). */
  create(c: OwedCallback, now: Date): Promise<boolean>;
  /**
   * Up to `limit` callbacks that are due (PENDING, next attempt due, no live lease), of partners
   * not in `excludePartners`, in no set order: candidates to claim one by one. A backlog is
   * read once per batch rather than once per claim, which matters on servers that scan it.
   */
  dueCandidates(now: Date, excludePartners: string[], limit: number): Promise<DueCandidate[]>;
  /** Leases the callback until `leaseUntil` if it is still due and unleased; undefined if not. */
  claim(callbackId: string, now: Date, leaseUntil: Date): Promise<ClaimedCallback | undefined>;
  find(callbackId: string): Promise<CallbackRecord | undefined>;
  details(callbackId: string): Promise<CallbackDetails | undefined>;
  saveDetails(callbackId: string, details: CallbackDetails): Promise<void>;
  markDelivered(callbackId: string, at: Date, attempts: number, info: { endpoint: string; format: CallbackFormat; outcome: string }): Promise<void>;
  scheduleRetry(callbackId: string, at: Date, attempts: number, info: { endpoint?: string; format?: CallbackFormat; outcome: string }): Promise<void>;
  park(callbackId: string, reason: ParkReason, attempts: number, info: { endpoint?: string; format?: CallbackFormat; outcome: string }): Promise<void>;
  /** Moves every callback of the partner parked for `reasons` back to PENDING, due now. */
  requeueParked(partnerId: string, reasons: ParkReason[], now: Date): Promise<number>;
  /** Queues one callback for immediate delivery again, whatever its state; undefined if unknown. */
  requeue(callbackId: string, now: Date): Promise<CallbackRecord | undefined>;
  list(partnerId: string, state: CallbackState | undefined, limit: number): Promise<CallbackRecord[]>;
  /** The earliest time an unleased PENDING callback of a partner not excluded is due, to sleep until then. */
  nextDueAt(now: Date, excludePartners: string[]): Promise<Date | undefined>;
}

export interface PartnerEndpoint {
  partnerId: string;
  active: boolean;
  callbackUrl: string;
  format: CallbackFormat;
  version: number;
  /** The endpoint URL the partner answered 410 for, until settings change. */
  goneUrl?: string;
}

export interface PartnerSecrets {
  appSecret: string;
  webhookSecret: string;
}

export interface PartnerSettings extends Omit<PartnerEndpoint, 'goneUrl'> {
  /** Sealed JSON {"app_secret", "webhook_secret"} as received; kept sealed at rest. */
  sealedSecrets: Uint8Array;
}

export interface PartnerEndpointStore {
  /** Stores the settings if newer than the held version; true when they were applied. */
  apply(settings: PartnerSettings): Promise<boolean>;
  find(partnerId: string): Promise<PartnerEndpoint | undefined>;
  secrets(partnerId: string): Promise<PartnerSecrets | undefined>;
  markGone(partnerId: string, url: string, version: number): Promise<void>;
  /** The endpoint answered again (an operator's resend got through): forget the 410. */
  clearGone(partnerId: string, url: string): Promise<void>;
}

export interface DeliveryAttemptEntry {
  callbackId: string;
  partnerId: string;
  attempt: number;
  startedAt: Date;
  httpStatus: number;
  latencyMs: number;
  outcome: string;
}

export interface DeliveryLog {
  record(entry: DeliveryAttemptEntry): Promise<void>;
  ofCallback(callbackId: string): Promise<DeliveryAttemptEntry[]>;
}

/** realname-pattern's view of the verification, for what the event does not carry. */
export interface VerificationDetailsSource {
  /** `includeClaim`: the ID number is needed (member-notify); otherwise personal data is not asked for. */
  fetch(verificationId: string, correlationId: string, includeClaim: boolean): Promise<CallbackDetails>;
}

export interface OutgoingCallback {
  callbackId: string;
  url: string;
  format: CallbackFormat;
  /** Serialized body, sent as application/json. */
  body: string;
  /** Standard Webhooks: signed with this secret when given. */
  webhookSecret?: string;
}

export interface SentAnswer {
  status: number;
  body: string;
  retryAfter: string | null;
}

export interface CallbackSender {
  /** Resolves with the answer, or rejects on timeout / connection failure. */
  send(callback: OutgoingCallback, now: Date): Promise<SentAnswer>;
}

export interface DeliveryMetrics {
  attempt(partnerId: string, outcome: string, latencyMs: number): void;
  delivered(partnerId: string, sinceCompletedMs: number): void;
}
