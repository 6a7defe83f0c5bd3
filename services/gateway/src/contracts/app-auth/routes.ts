import express, { Request, Response, Router } from 'express';
import { GatewayPorts, SessionView } from '../../application/ports';
import { ContractContext } from '../contract';
import { correlationIdOf } from '../correlation';
import { authInfoOf } from './auth-info';
import { APP_STATUS, AppRefusal, replyApp } from './envelope';
import { confirmLiveness, startLiveness } from './liveness';
import { appSessionOf, appStatusOf, assertLocalParam, languageOfRequest, paramsOf } from './request';
import { assertEditable, submitStep } from './steps';

/** Seed 001's Expiration format: UTC, seconds ("2020-05-12T08:11:31Z"). */
const seedTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

type Handler = (input: { ports: GatewayPorts; session: SessionView; params: Record<string, unknown>; correlationId: string }) => Promise<unknown>;

/**
 * One seed 001 endpoint: parameters from the form or JSON body (or query), the caller's language,
 * uid + token, then the handler; whatever it throws answers in the envelope through the status
 * table (request.ts), in the caller's language. Personal data never reaches the log: only codes.
 */
function appEndpoint(ctx: ContractContext, name: string, handler: Handler) {
  const logger = ctx.logger.child({ component: 'app-auth' });
  return async (req: Request, res: Response): Promise<void> => {
    const params = paramsOf(req);
    const language = languageOfRequest(params);
    const correlationId = correlationIdOf(req);
    try {
      const session = await appSessionOf(ctx.ports, params);
      assertLocalParam(params);
      const attachment = await handler({ ports: ctx.ports, session, params, correlationId });
      replyApp(res, APP_STATUS.ok, language, attachment ?? null);
    } catch (err) {
      const { status, detail } = appStatusOf(err);
      if (status === APP_STATUS.internal) logger.error({ endpoint: name, err: (err as Error).message, correlationId }, 'seed 001 request failed');
      else if (!(err instanceof AppRefusal)) logger.warn({ endpoint: name, status, err: (err as Error).message, correlationId }, 'seed 001 request failed');
      else logger.info({ endpoint: name, status, correlationId }, 'seed 001 request refused');
      replyApp(res, status, language, null, detail);
    }
  };
}

/** /user/getsts: upload credentials for the caller's own object prefix, refused while the evidence is locked. */
const getSts: Handler = async ({ ports, session, correlationId }) => {
  await assertEditable(ports, session, correlationId);
  const c = ports.objectStore.mintCredentials(session);
  return {
    SecurityToken: c.securityToken,
    bucket: c.bucket,
    RoleSessionName: c.roleSessionName,
    AccessKeyId: c.accessKeyId,
    AccessKeySecret: c.accessKeySecret,
    Expiration: seedTime(c.expiresAt),
    RoleArn: c.roleArn,
    policy: c.policy,
    // Beyond the seed: where to send requests and under which key prefix they may write.
    endpoint: c.endpoint,
    region: c.region,
    prefix: c.prefix,
  };
};

export function appAuthRoutes(ctx: ContractContext): Router {
  const router = Router();
  // Apps post forms or JSON (JSON is parsed upstream); a body already parsed is left as is.
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 });
  router.post('/user/getsts', form, appEndpoint(ctx, 'getsts', getSts));
  router.post('/user/authinfoNew', form, appEndpoint(ctx, 'authinfoNew', ({ ports, session, correlationId }) => authInfoOf(ports, session, correlationId)));
  router.post('/user/authnew', form, appEndpoint(ctx, 'authnew', async ({ ports, session, params, correlationId }) => {
    await submitStep(ports, session, params, correlationId);
    return null;
  }));
  router.post('/ali/appToken', form, appEndpoint(ctx, 'appToken', ({ ports, session, params, correlationId }) => startLiveness(ports, session, params, correlationId)));
  router.post('/ali/vedioAuth', form, appEndpoint(ctx, 'vedioAuth', ({ ports, session, params, correlationId }) => confirmLiveness(ports, session, params, correlationId)));
  return router;
}
