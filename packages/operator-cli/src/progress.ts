import cliProgress from 'cli-progress';
import { OutputStream } from './output';

/**
 * Progress bars on standard error. Drawn when it is a terminal, or always with --progress (then a
 * line every half second, as in a CI log); never with --no-progress.
 */
export interface ProgressBar {
  update(value: number, payload?: Record<string, unknown>): void;
  /** Draws the final state and ends the bar's line. */
  stop(): void;
}

export function progressBar(stream: OutputStream, wanted: boolean | undefined, format: string, total: number, payload: Record<string, unknown> = {}): ProgressBar | undefined {
  if (wanted === false || (wanted === undefined && !stream.isTTY)) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      format,
      stream: stream as NodeJS.WritableStream,
      hideCursor: Boolean(stream.isTTY),
      noTTYOutput: true,
      notTTYSchedule: 500,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0, payload);
  return bar;
}
