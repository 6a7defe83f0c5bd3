/**
 * The access token of the WeChat app configured as WECHAT_FACE_APP_ID:
 *
 *   GET {url}/cgi-bin/token?grant_type=client_credential&appid=APPID&secret=APPSECRET
 *   -> {"access_token": "...", "expires_in": 7200}
 *   -> {"errcode": 40013, "errmsg": "invalid appid"}     (40001 wrong secret, 40164 IP not allowed, -1 busy, ...)
 *
 * Cached until WECHAT_FACE_TOKEN_REFRESH_MARGIN_MS before it expires. One fetch at a time, shared
 * by concurrent callers: every fetch makes WeChat retire the app's previous token after a short
 * overlap, so a stampede of fetches would retire tokens still in use. A token WeChat rejects is
 * dropped with `invalidate` and the next `get` fetches a new one. Another server fetching tokens
 * with the same secret retires this one's too: give the platform its own app, or pass the
 * partner's token (WechatFaceQueryOptions.accessToken). The secret travels in the query string,
 * as WeChat publishes it; ProviderClient never logs URLs.
 */
import { ProviderClient } from '@kyc/provider-kit';

export interface WechatAccessTokenOptions {
  /** e.g. https://api.weixin.qq.com */
  url: string;
  appId: string;
  appSecret: string;
  refreshMarginMs: number;
  now: () => number;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  errcode?: unknown;
}

export class WechatAccessToken {
  private cached?: { token: string; refreshAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly client: ProviderClient,
    private readonly opts: WechatAccessTokenOptions,
  ) {}

  get(): Promise<string> {
    if (this.cached && this.opts.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Drops a token WeChat rejected (unless a newer one has replaced it already). */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    const url = new URL(`${this.opts.url.replace(/\/+$/, '')}/cgi-bin/token`);
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: this.opts.appId, secret: this.opts.appSecret }).toString();
    const askedAt = this.opts.now();
    const { token, expiresInMs } = await this.client.call({
      operation: 'token',
      // Asking again only issues another token.
      idempotent: true,
      request: () => ({ url: url.toString(), method: 'GET', headers: { accept: 'application/json' } }),
      interpret: (answer) => {
        if (answer.status >= 500) throw this.client.unavailable(`token: HTTP ${answer.status}`);
        if (answer.status !== 200) throw this.client.refused(`token: HTTP ${answer.status}`);
        const wire = this.client.json<TokenAnswer>(answer) ?? {};
        if (typeof wire.access_token === 'string' && wire.access_token && typeof wire.expires_in === 'number' && wire.expires_in > 0) {
          return { token: wire.access_token, expiresInMs: wire.expires_in * 1000 };
        }
        if (Number(wire.errcode) === -1) throw this.client.unavailable('token: errcode -1 (system busy)');
        throw this.client.refused(`token: errcode ${String(wire.errcode ?? '-')}`);
      },
      outcome: () => 'token-issued',
    });
    this.cached = { token, refreshAt: askedAt + expiresInMs - this.opts.refreshMarginMs };
    return token;
  }
}
