import { partner } from '@kyc/contracts';
import { EventBus, ProcessedEventStore, Subscription, TOPICS } from '@kyc/kafka-bus';
import { CallbackIntake } from '../../application/callback-intake';
import { CallbackFormat } from '../../domain/callback';

const formatOf = (f: partner.CallbackFormat): CallbackFormat =>
  f === partner.CallbackFormat.CALLBACK_FORMAT_MEMBER_NOTIFY ? 'MEMBER_NOTIFY' : 'STANDARD_WEBHOOKS';

/** The gateway's partner settings (callback URL, format, sealed secrets), newest version wins. */
export function subscribeToPartnerSettings(deps: { bus: EventBus; processed: ProcessedEventStore; intake: CallbackIntake }): Promise<Subscription> {
  return deps.bus.subscribe({
    groupId: 'notifier.partner-settings',
    topics: [TOPICS.partner],
    processed: deps.processed,
    handlers: {
      'kyc.partner.v1.PartnerSettingsChanged': async (env) => {
        const e = partner.PartnerSettingsChanged.decode(env.payload);
        if (!e.partnerId) throw new Error('PartnerSettingsChanged lacks partner_id');
        await deps.intake.applySettings({
          partnerId: e.partnerId,
          active: e.active,
          callbackUrl: e.callbackUrl,
          format: formatOf(e.callbackFormat),
          version: e.version,
          sealedSecrets: e.sealedSecrets,
        });
      },
    },
  });
}
