import { shutdownTelemetry, startTelemetry } from '@kyc/telemetry';
import { Logger } from './logger';

export type ShutdownStep = { name: string; run: () => Promise<unknown> };

/**
 * Runs shutdown steps in order on SIGTERM/SIGINT: callers list them as "stop intake, drain,
 * disconnect". Each step is bounded so one stuck dependency cannot keep the pod alive forever.
 */
export function onShutdown(logger: Logger, steps: ShutdownStep[], opts: { stepTimeoutMs?: number } = {}): void {
  const stepTimeoutMs = opts.stepTimeoutMs ?? 10_000;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const step of steps) {
      try {
        await Promise.race([
          step.run(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), stepTimeoutMs).unref()),
        ]);
        logger.info({ step: step.name }, 'shutdown step done');
      } catch (err) {
        logger.warn({ step: step.name, err: (err as Error).message }, 'shutdown step failed');
      }
    }
    // Spans of the last requests are still buffered: send them (bounded like any step).
    await Promise.race([shutdownTelemetry(), new Promise((resolve) => setTimeout(resolve, stepTimeoutMs).unref())]).catch(() => undefined);
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/**
 * Boots a service: tracing starts first when an OTLP endpoint is configured (see @kyc/telemetry);
 * any startup error (a bad config key included) is logged and exits non-zero.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  startTelemetry(service);
  main().catch((err: Error) => {
    // Plain stderr as well: the logger may be what failed to come up.
    process.stderr.write(`${service}: failed to start: ${err.message}\n`);
    process.exit(1);
  });
}
