import pino from 'pino';
import { activeTraceIds } from '@kyc/telemetry';

/** The logging interface services depend on; pino underneath, JSON lines with the service name. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Field names that carry personal data anywhere in the platform. pino censors them wherever they
 * appear (two levels deep), so a careless `log.info({ body })` cannot leak a name or ID number.
 */
export const PERSONAL_DATA_FIELDS = [
  'name',
  'idcard_number',
  'id_number',
  'identity_card_number',
  'id_no',
  'phone',
  'mobile',
  'photo',
  'v_photo',
  'user_sid',
  'secret',
  'sign',
  'authorization',
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const f of PERSONAL_DATA_FIELDS) {
    paths.push(f, `*.${f}`, `*.*.${f}`);
  }
  paths.push('req.headers.authorization', 'req.headers.cookie');
  return paths;
}

/**
 * JSON lines with the service name; a line written while a traced request is being handled
 * carries its `trace_id` and `span_id`, so one request's lines can be found across services.
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    mixin: activeTraceIds,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths(), censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}
