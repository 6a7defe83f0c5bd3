import type * as gateway from '@kyc/gateway/dist/cli';
import type * as identityLookup from '@kyc/identity-lookup/dist/cli';
import type * as notifier from '@kyc/notifier/dist/cli';

export type GatewayCommands = typeof gateway;
export type RosterCommands = typeof identityLookup;
export type CallbackCommands = typeof notifier;

/**
 * The services' operator commands, each with its own configuration from the environment. Loaded
 * on first use, so `kyc partner …` does not load the notifier, and help needs no service at all.
 */
export interface OperatorServices {
  gateway(): Promise<GatewayCommands>;
  rosters(): Promise<RosterCommands>;
  callbacks(): Promise<CallbackCommands>;
}

export const serviceCommands: OperatorServices = {
  gateway: () => import('@kyc/gateway/dist/cli'),
  rosters: () => import('@kyc/identity-lookup/dist/cli'),
  callbacks: () => import('@kyc/notifier/dist/cli'),
};
