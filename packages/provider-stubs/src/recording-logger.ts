/**
 * A Logger that keeps every line as text, so tests can assert what an adapter logged and, above
 * all, what it did not (names, ID numbers, mobiles, codes, credentials).
 */
import { Logger } from '@kyc/core';

export interface RecordingLogger extends Logger {
  /** Every line so far, one per call: level, fields as JSON, message. */
  text(): string;
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void =>
      void lines.push(`${level} ${typeof obj === 'string' ? obj : JSON.stringify(obj)} ${msg ?? ''}`.trimEnd());
  const logger: RecordingLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
    text: () => lines.join('\n'),
  };
  return logger;
}
