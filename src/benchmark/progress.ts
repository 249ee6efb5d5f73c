/**
 * Progress of a run on stderr: a bar redrawn in place on a terminal, one line per 10 % elsewhere (CI
 * logs, pipes), or nothing. Redraws come from a timer, never from completions, so a run of thousands of
 * fast requests still draws at most ten times a second.
 */

/** 10 redraws a second reads as live without costing the run anything. */
const REDRAW_MS = 100;
const BAR_WIDTH = 28;

export type ProgressMode = 'bar' | 'lines' | 'off';

export interface ProgressOutput {
  write(text: string): void;
}

export interface ProgressOptions {
  /** What is running: `bench`, `judge`. */
  readonly label: string;
  /** Requests to make, or undefined for a timed run. */
  readonly total: number | undefined;
  /** A timed run's length. */
  readonly durationMs: number | undefined;
  readonly mode: ProgressMode;
  readonly output: ProgressOutput;
  readonly now?: () => number;
}

export interface Progress {
  /** One request finished. */
  record(ok: boolean): void;
  /** Draws the final state and stops the timer. */
  finish(): void;
}

/** A bar on a terminal; lines in CI or when stderr is not a terminal; `--quiet` turns it off. */
export function progressMode(isTerminal: boolean, quiet: boolean): ProgressMode {
  if (quiet) return 'off';
  return isTerminal ? 'bar' : 'lines';
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let done = 0;
  let errors = 0;
  let lastDecile = 0;
  let lastPrintedDone = -1;

  const fraction = (): number => {
    if (options.total !== undefined) return options.total === 0 ? 1 : Math.min(1, done / options.total);
    const duration = options.durationMs ?? 0;
    return duration <= 0 ? 1 : Math.min(1, (now() - started) / duration);
  };

  const render = (final: boolean): void => {
    // A stopped run ends below 100 %, and says so.
    const share = fraction();
    if (options.mode === 'bar') {
      options.output.write(`\r\u001b[2K${describe(share)}${final ? '\n' : ''}`);
      return;
    }
    if (options.mode === 'lines') {
      const decile = Math.floor(share * 10);
      // The last line always shows the final count, unless the line just printed already did.
      if (decile > lastDecile || (final && done !== lastPrintedDone)) {
        lastDecile = Math.max(lastDecile, decile);
        lastPrintedDone = done;
        options.output.write(`${describe(share)}\n`);
      }
    }
  };

  const describe = (share: number): string => {
    const seconds = (now() - started) / 1_000;
    const filled = Math.round(share * BAR_WIDTH);
    const bar = options.mode === 'bar' ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ` : '';
    const count = options.total === undefined ? `${done}` : `${done}/${options.total}`;
    const rate = seconds > 0 ? done / seconds : 0;
    const remaining = share > 0 && share < 1 ? ` eta ${formatSeconds((seconds / share) * (1 - share))}` : '';
    return (
      `${options.label} ${bar}${String(Math.floor(share * 100)).padStart(3)}% ${count} ` +
      `errors ${errors} ${rate.toFixed(1)} req/s ${formatSeconds(seconds)}${remaining}`
    );
  };

  const timer = options.mode === 'off' ? undefined : setInterval(() => render(false), REDRAW_MS);
  timer?.unref();

  return {
    record(ok) {
      done++;
      if (!ok) errors++;
    },
    finish() {
      if (timer !== undefined) clearInterval(timer);
      render(true);
    },
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}
