import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Histogram, Registry } from 'prom-client';
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

/**
 * What operators see of partner traffic: request rate, errors and latency per contract and
 * route (gateway_http_request_duration_seconds), and one trace per request, continuing the
 * partner's `traceparent` when it sends one.
 */
export function requestTelemetry(registry: Registry, contracts: readonly ContractPaths[]): RequestHandler[] {
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
    res.on('finish', () => end({ ...contractLabels(req), route: routeOf(req), method: req.method, status_class: statusClass(res.statusCode) }));
    next();
  };
  const trace = traceHttpRequests<Request, Response>({ routeOf, attributesOf: (req) => ({ 'kyc.contract': contractLabels(req).contract }) });
  return [trace, measure];
}
