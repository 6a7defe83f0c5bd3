import express, { NextFunction, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Registry } from 'prom-client';
import { Logger } from '@kyc/core';
import { healthRoutes } from './adapters/http/health-routes';
import { docsRoutes } from './adapters/http/docs-routes';
import { describedPaths, methodGuard } from './adapters/http/method-guard';
import { loadOpenApiDocument, openapiRoutes } from './adapters/http/openapi-routes';
import { AccessLog, contractOf, requestTelemetry, routeOf } from './adapters/http/request-telemetry';
import { ContractContext, FrameworkError, PartnerContract } from './contracts/contract';
import { PARTNER_CONTRACTS } from './contracts/registry';
import { ObjectStore } from './object-store';

export interface GatewayDeps {
  logger: Logger;
  metrics: Registry;
  isReady: () => boolean;
  rateLimitPerMinute: number;
  /** 'all' logs every request; 'refusals' (default) only 4xx and 5xx answers (the rest are counted by metrics). */
  accessLog?: AccessLog;
  /** What contracts get: the application's ports and settings. */
  context: ContractContext;
  /** Defaults to the registry; tests may mount fewer. */
  contracts?: readonly PartnerContract[];
  /** The OSS-compatible object store (seed 001 uploads), served on the same listener when given. */
  objectStore?: Pick<ObjectStore, 'claims' | 'handle' | 'replyFrameworkError'>;
}

/** Answers for paths no contract owns, in the platform's {code,data,message} shape. */
const FALLBACK: Record<FrameworkError, [number, string]> = {
  'bad-request': [400, '请求有误'],
  'too-large': [400, '请求有误'],
  'rate-limited': [429, '请求过于频繁'],
  'not-found': [404, 'not found'],
  'method-not-allowed': [405, '请求方法不允许'],
  internal: [500, '未知错误'],
};

/** Assembles the partner-facing HTTP app: every registered contract, mounted generically. */
export function createGatewayApp(deps: GatewayDeps): express.Express {
  const contracts = deps.contracts ?? PARTNER_CONTRACTS;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  // Status answers are polled: no ETag hashing of every body (no partner sends If-None-Match).
  app.set('etag', false);

  app.use(requestTelemetry(deps.metrics, contracts, { logger: deps.logger, log: deps.accessLog ?? 'refusals' }));

  /** Framework errors answer in the shape of the contract that owns the path. */
  const replyFrameworkError = (req: Request, res: Response, error: FrameworkError) => {
    if (deps.objectStore?.claims(req)) return deps.objectStore.replyFrameworkError(res, error);
    const owner = contractOf(contracts, req.path);
    if (owner) return owner.replyFrameworkError(res, error);
    const [code, message] = FALLBACK[error];
    res.status(code).json({ code, data: null, message });
  };

  app.use(healthRoutes(deps.isReady));
  app.use(openapiRoutes(contracts.map((c) => c.openapiFragment)));
  app.use(docsRoutes());
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (req, res) => replyFrameworkError(req, res, 'rate-limited'),
    }),
  );
  // Object requests carry raw bodies of any content type: they are the store's before any body parser.
  const objectStore = deps.objectStore;
  if (objectStore) app.use((req, res, next) => (objectStore.claims(req) ? void objectStore.handle(req, res) : next()));
  const partnerPaths = describedPaths(loadOpenApiDocument(contracts.map((c) => c.openapiFragment)), (p) => !p.startsWith('/reviewer/'));
  app.use(methodGuard(partnerPaths, (req, res) => replyFrameworkError(req, res, 'method-not-allowed')));
  // Parsed once: a body a larger limit took is left alone by the default parser after it.
  for (const contract of contracts) {
    for (const [route, limit] of Object.entries(contract.largeJsonBodies ?? {})) app.use(route, express.json({ limit }));
  }
  app.use(express.json({ limit: '64kb' }));
  for (const contract of contracts) app.use(contract.router(deps.context));

  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.too.large') return replyFrameworkError(req, res, 'too-large');
    if (err.type === 'entity.parse.failed' || (err.status ?? 500) < 500) return replyFrameworkError(req, res, 'bad-request');
    deps.logger.error({ err: err.message, route: routeOf(req) }, 'request failed');
    replyFrameworkError(req, res, 'internal');
  });
  app.use((req: Request, res: Response) => replyFrameworkError(req, res, 'not-found'));
  return app;
}
