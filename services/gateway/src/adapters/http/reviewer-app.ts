import http from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { Histogram, Registry } from 'prom-client';
import { Logger } from '@kyc/core';
import { DownstreamClients } from '../grpc/downstream-clients';
import { consoleRoutes } from './console-routes';
import { healthRoutes } from './health-routes';
import { describedPaths, methodGuard } from './method-guard';
import { loadOpenApiDocument } from './openapi-routes';
import { requireReviewer, ReviewerAuthenticator } from './reviewer-auth';
import { reviewerErrorHandler, sendReviewerError } from './reviewer-errors';
import { reviewerRoutes } from './reviewer-routes';

export interface ReviewerAppDeps {
  logger: Logger;
  metrics: Registry;
  reviewers: ReviewerAuthenticator;
  clients: Pick<DownstreamClients, 'realnamePattern' | 'photoStorage'>;
  isReady: () => boolean;
  photoDeadlineMs?: number;
  /** Built reviewer console to serve under /console/ (default: the gateway's dist/console). */
  consoleDir?: string;
}

/**
 * The reviewer API: a separate express app on its own port, so operators can keep it on an
 * internal network while the partner port faces the internet. Nothing of it is mounted on the
 * partner app, and none of the partner routes are mounted here. The reviewer console (a static
 * page, see console-routes.ts) is served here too, beside the API it calls.
 */
export function createReviewerApp(deps: ReviewerAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const logger = deps.logger.child({ component: 'reviewer-api' });

  const duration = new Histogram({
    name: 'gateway_reviewer_http_request_duration_seconds',
    help: 'Reviewer API request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [deps.metrics],
  });
  // Access log and metrics: every call with its reviewer id, route and status; never a body (names,
  // ID numbers) or the token.
  app.use((req, res, next) => {
    const end = duration.startTimer();
    const started = Date.now();
    res.on('finish', () => {
      const route = req.route?.path ?? 'unmatched';
      end({ method: req.method, route, status: res.statusCode });
      if (req.path === '/healthz' || req.path === '/readyz') return;
      logger.info(
        {
          reviewerId: (res.locals.reviewer as { id?: string } | undefined)?.id,
          method: req.method,
          // The route pattern: paths carry case and photo ids, and whatever a caller typed into them.
          route,
          status: res.statusCode,
          ms: Date.now() - started,
          correlationId: res.getHeader('x-correlation-id'),
        },
        'reviewer request',
      );
    });
    next();
  });
  app.use(healthRoutes(deps.isReady));
  app.use((_req, res, next) => {
    // Responses carry personal data: no caching anywhere on the way.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(consoleRoutes({ dir: deps.consoleDir, logger }));
  app.use('/reviewer', requireReviewer(deps.reviewers));
  const reviewerPaths = describedPaths(loadOpenApiDocument([]), (p) => p.startsWith('/reviewer/'));
  app.use(methodGuard(reviewerPaths, (_req, res) => sendReviewerError(res, 405, 'KYC.REVIEWER.METHOD_NOT_ALLOWED', 'method not allowed')));
  app.use(express.json({ limit: '16kb' }));
  app.use(reviewerRoutes({ clients: deps.clients, logger, photoDeadlineMs: deps.photoDeadlineMs }));
  app.use((_req, res) => sendReviewerError(res, 404, 'KYC.REVIEWER.NOT_FOUND', 'no such endpoint'));
  app.use(reviewerErrorHandler(logger));
  return app;
}

export interface ReviewerServer {
  port: number;
  /** Stops accepting connections and waits for in-flight requests. */
  close(): Promise<void>;
}

export async function startReviewerServer(deps: ReviewerAppDeps & { port: number; host: string }): Promise<ReviewerServer> {
  const server = http.createServer(createReviewerApp(deps));
  server.requestTimeout = 120_000;
  server.headersTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  deps.logger.info({ reviewerHttpPort: port, host: deps.host }, 'reviewer api listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
