import { Logger } from '@kyc/core';
import { CallbackStore, OwedCallback, PartnerEndpointStore, PartnerSettings } from './ports';

/**
 * What the notifier learns from other services: a finished verification owes its partner a
 * callback; a partner's new settings may unblock callbacks parked for want of an endpoint.
 */
export class CallbackIntake {
  constructor(
    private readonly deps: {
      callbacks: CallbackStore;
      endpoints: PartnerEndpointStore;
      logger: Logger;
      /** Tells the dispatcher there may be work now. */
      onWork: () => void;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** One callback per verification: a redelivered event creates nothing new. */
  async oweCallback(owed: OwedCallback): Promise<boolean> {
    const created = await this.deps.callbacks.create(owed, this.now());
    if (created) {
      this.deps.logger.info({ partnerId: owed.partnerId, callbackId: owed.callbackId }, 'callback owed');
      this.deps.onWork();
    }
    return created;
  }

  /** Applies newer settings; callbacks parked for no endpoint or a gone endpoint are queued again. */
  async applySettings(settings: PartnerSettings): Promise<boolean> {
    const applied = await this.deps.endpoints.apply(settings);
    if (!applied) {
      this.deps.logger.info({ partnerId: settings.partnerId, version: settings.version }, 'partner settings ignored: not newer');
      return false;
    }
    const requeued = await this.deps.callbacks.requeueParked(settings.partnerId, ['no-endpoint', 'endpoint-gone'], this.now());
    this.deps.logger.info({ partnerId: settings.partnerId, version: settings.version, requeued }, 'partner settings applied');
    if (requeued > 0) this.deps.onWork();
    return true;
  }
}
