import express, { NextFunction, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { pinoHttp } from 'pino-http';
import { Histogram, Registry } from 'prom-client';
import { Logger } from '@kyc/core';
import { DownstreamClients } from './adapters/grpc/downstream-clients';
import { healthRoutes } from './adapters/http/health-routes';
import { openapiRoutes } from './adapters/http/openapi-routes';
import { platformSessionRoutes } from './adapters/http/platform-session-routes';
import { replyUserValidate, USER_VALIDATE_RESULT } from './adapters/http/user-validate-envelope';
import { PhotoRouteOptions, userValidatePhotoRoutes } from './adapters/http/user-validate-photo-routes';
import { userValidateRoutes } from './adapters/http/user-validate-routes';
import { SubmissionPublisher } from './adapters/kafka/submission-publisher';
import { PartnerRepository } from './adapters/mongo/partner-repository';
import { SessionRepository } from './adapters/mongo/session-repository';

export interface GatewayDeps {
  logger: Logger;
  metrics: Registry;
  partners: PartnerRepository;
  sessions: SessionRepository;
  clients: DownstreamClients;
  publisher: SubmissionPublisher;
  isReady: () => boolean;
  sessionTtlSeconds: number;
  signatureMaxSkewSeconds: number;
  rateLimitPerMinute: number;
  /** Seed 002 photo endpoints; defaults match the config schema (PHOTO_MAX_BYTES, PHOTO_TRANSFER_DEADLINE_MS). */
  photo?: PhotoRouteOptions;
}

/** Assembles the partner-facing HTTP app: one router per partner contract. */
export function createGatewayApp(deps: GatewayDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  const duration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'Partner API request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [deps.metrics],
  });
  app.use((req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => end({ method: req.method, route: req.route?.path ?? 'unmatched', status: res.statusCode }));
    next();
  });
  // Request logs carry method, path and status only: query strings hold user_sid.
  app.use(
    pinoHttp({
      logger: deps.logger as never,
      serializers: { req: (req) => ({ method: req.method, path: String(req.url).split('?')[0] }), res: (res) => ({ status: res.statusCode }) },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.use(healthRoutes(deps.isReady));
  app.use(openapiRoutes());
  app.use(rateLimit({ windowMs: 60_000, limit: deps.rateLimitPerMinute, standardHeaders: 'draft-8', legacyHeaders: false }));
  app.use(express.json({ limit: '64kb' }));
  app.use(
    platformSessionRoutes({
      partners: deps.partners,
      sessions: deps.sessions,
      sessionTtlSeconds: deps.sessionTtlSeconds,
      maxSkewSeconds: deps.signatureMaxSkewSeconds,
      logger: deps.logger,
    }),
  );
  app.use(userValidateRoutes({ sessions: deps.sessions, clients: deps.clients, publisher: deps.publisher, logger: deps.logger }));
  app.use(
    userValidatePhotoRoutes({
      sessions: deps.sessions,
      clients: deps.clients,
      logger: deps.logger,
      options: deps.photo ?? { maxBytes: 10 * 1024 * 1024, transferDeadlineMs: 60_000 },
    }),
  );

  // Malformed bodies and unexpected failures answer in the shape of the contract that was called.
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const clientFault = err.type === 'entity.parse.failed' || err.type === 'entity.too.large' || (err.status ?? 500) < 500;
    if (!clientFault) deps.logger.error({ err: err.message, path: req.path }, 'request failed');
    if (req.path.startsWith('/user/validate')) {
      return replyUserValidate(res, clientFault ? USER_VALIDATE_RESULT.badRequest : USER_VALIDATE_RESULT.internal);
    }
    const code = clientFault ? 400 : 500;
    res.status(code).json({ code, data: null, message: clientFault ? '请求有误' : '未知错误' });
  });
  app.use((_req, res) => {
    res.status(404).json({ code: 404, data: null, message: 'not found' });
  });
  return app;
}
