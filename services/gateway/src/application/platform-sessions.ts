import { GatewayPorts, PartnerView } from './ports';

/** Mints a session (user_sid) for one of a partner's users, creating the subject on first sight. */
export function mintUserSession(ports: Pick<GatewayPorts, 'sessions'>, partner: PartnerView, userId: string, ttlSeconds: number) {
  return ports.sessions.mint(partner.appId, userId, ttlSeconds);
}
