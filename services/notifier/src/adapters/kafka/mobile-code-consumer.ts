import { verification } from '@kyc/contracts';
import { EventBus, ProcessedEventStore, Subscription, TOPICS } from '@kyc/kafka-bus';
import { MobileCodeMessages } from '../../application/mobile-code-messages';

/** realname-pattern's one-time codes (seed 003 MOBILE) go out by SMS. */
export function subscribeToMobileCodes(deps: { bus: EventBus; processed: ProcessedEventStore; messages: MobileCodeMessages }): Promise<Subscription> {
  return deps.bus.subscribe({
    groupId: 'notifier.mobile-codes',
    topics: [TOPICS.mobileCode],
    processed: deps.processed,
    handlers: {
      'kyc.verification.v1.MobileCodeRequested': async (env) => deps.messages.deliver(verification.MobileCodeRequested.decode(env.payload)),
    },
  });
}
