import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Histogram, Registry } from 'prom-client';
import { Logger } from '@kyc/core';
import { traceHttpRequests } from '@kyc/telemetry';

/** A contract as request labels know it: which seed owns which paths. */
export interface ContractPaths {
  name: string;
  seed: string;
  pathPrefixes: string[];
}

/**
 * Route pattern of a request (`/user/validate/submit_info/`, `/v1/users/:guid`), never the raw
 * URL: ids in paths would make one series per user. Requests no route answered are 'unmatched'.
 */
export function routeOf(req: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

/** The contract that owns a path (by its prefixes), for labels and for framework errors' shape. */
export function contractOf<C extends ContractPaths>(contracts: readonly C[], path: string): C | undefined {
  return contracts.find((c) => c.pathPrefixes.some((p) => path.startsWith(p)));
}

export const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/** Which requests get an access log line: 'refusals' (4xx, 5xx) or 'all'. */
export type AccessLog = 'all' | 'refusals';

/**
 * What operators see of partner traffic: request rate, errors and latency per contract and
 * route (gateway_http_request_duration_seconds), one trace per request, continuing the
 * partner's `traceparent` when it sends one, and an access log line. Partners poll status
 * endpoints in tight loops, so by default only refusals and failures are logged (every request is
 * counted in the histogram); lines carry method, route pattern and status only: query strings hold user_sid
 * and paths hold ids.
 * One 'finish' listener serves the histogram and the log (a request logger per request, as
 * a general request-logging middleware builds, costs more than the rest of a cached status read).
 */
export function requestTelemetry(
  registry: Registry,
  contracts: readonly ContractPaths[],
  access: { logger: Logger; log: AccessLog },
): RequestHandler[] {
  const duration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'Partner API requests by contract (seed), route pattern, method and status class',
    labelNames: ['contract', 'seed', 'route', 'method', 'status_class'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const contractLabels = (req: Request) => {
    // originalUrl: inside a mounted router, req.path is relative to the mount point.
    const owner = contractOf(contracts, req.originalUrl.split('?')[0]);
    return { contract: owner?.name ?? 'none', seed: owner?.seed ?? 'none' };
  };
  const measure = (req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer();
    res.once('finish', () => {
      const seconds = end({ ...contractLabels(req), route: routeOf(req), method: req.method, status_class: statusClass(res.statusCode) });
      const status = res.statusCode;
      if (status < 400 && access.log !== 'all') return;
      if (req.url === '/healthz' || req.url === '/readyz') return;
      // The route pattern, not the path: paths carry ids and whatever a caller typed into them.
      const line = { req: { method: req.method, route: routeOf(req) }, res: { status }, responseTime: Math.round(seconds * 1000) };
      if (status >= 500) access.logger.error(line, 'request errored');
      else if (status >= 400) access.logger.warn(line, 'request completed');
      else access.logger.info(line, 'request completed');
    });
    next();
  };
  const trace = traceHttpRequests<Request, Response>({ routeOf, attributesOf: (req) => ({ 'kyc.contract': contractLabels(req).contract }) });
  return [trace, measure];
}
