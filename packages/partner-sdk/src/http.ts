import createClient from 'openapi-fetch';
import type { paths } from './gen/openapi';

/** Where the platform's gateway is, and how long one request may take. */
export interface ConnectionOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:8080 as `npm start` prints it. */
  baseUrl: string;
  /** Deadline of each request (connect, headers and body); 10 s unless given. */
  timeoutMs?: number;
  /** A fetch to use instead of the global one (proxies, tests). */
  fetch?: (input: Request) => Promise<Response>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** The typed client of every described operation, for calls the contract clients do not wrap. */
export type KycClient = ReturnType<typeof createClient<paths>>;

export function createKycClient(opts: ConnectionOptions): KycClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const send = opts.fetch ?? ((input: Request) => globalThis.fetch(input));
  return createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    // Each request gets its own deadline; a caller's own signal still applies.
    fetch: (input) => send(new Request(input, { signal: AbortSignal.any([input.signal, AbortSignal.timeout(timeoutMs)]) })),
  });
}

/** The answer of an openapi-fetch call, whatever its status, for the contract's own check. */
export const bodyOf = (result: { data?: unknown; error?: unknown }): unknown => result.data ?? result.error;
