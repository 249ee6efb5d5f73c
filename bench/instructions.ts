/**
 * Instructions per request: Switchyard's serving path counted by valgrind's callgrind instead of timed.
 * On a shared, noisy 2-core machine CPU time per request moves ±15 % between runs of one build; the
 * main thread's instructions per request move 2–3 % between quiet runs of one build (V8's tiering
 * follows timing, so a run beside other busy processes can land far off: count on a quiet machine, and
 * repeat). That makes before/after differences of a few percent on the hot path visible
 * (`--baseline REF`).
 *
 *   npm run bench:instructions -- [--baseline REF] [--warmup 50000] [--requests 2000] [--stream] [--core]
 *
 * Each gateway runs under callgrind with instrumentation off while it warms up (V8 keeps compiling for
 * tens of thousands of requests), then counts exactly `--requests` requests from a closed loop. Counts
 * are per thread: the main thread serves requests; the request log's writer thread; V8's helper threads
 * (concurrent compilation and garbage collection). User-space instructions only: the kernel's share of
 * socket writes is not counted, so compare like with like.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import autocannon from 'autocannon';
import { stopAllChildren, stopChildrenOnExit } from './lib/child-processes.ts';
import {
  buildSwitchyard,
  CORE_CONFIG,
  prepareBaseline,
  REPO_ROOT,
  removeSwitchyardFiles,
  SWITCHYARD_PRODUCTION_NODE_FLAGS,
  startSimulator,
  startSwitchyard,
  type Target,
} from './lib/systems.ts';
import { chatRequestBody } from './lib/workload.ts';

const run = promisify(execFile);
// Under callgrind a gateway starts and serves some 50 times slower.
const STARTUP_TIMEOUT_MS = 600_000;
const SECOND_WARMUP_REQUESTS = 1_500;

const USAGE = `npm run bench:instructions -- [options]

  --baseline REF     also count Switchyard at git ref REF (built in a temporary worktree), side by side
  --warmup N         requests before counting (default 50000: V8 keeps optimising for tens of thousands)
  --requests N       requests counted (default 2000)
  --connections N    closed-loop connections (default 16)
  --stream           streamed requests (default: JSON)
  --core             request log and metrics off: the serving path alone (a baseline older than the
                     request log and metrics runs its default config, which has neither)
  --results-dir DIR  where the callgrind files and JSON go (default bench/results/instructions)

Needs valgrind (callgrind and callgrind_control) on PATH. A run takes 5-10 minutes.`;

interface Settings {
  readonly baseline: string | undefined;
  readonly warmup: number;
  readonly requests: number;
  readonly connections: number;
  readonly stream: boolean;
  readonly core: boolean;
  readonly resultsDir: string;
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${flag} must be a positive integer`);
  return value;
}

class UsageError extends Error {}

function parseSettings(argv: readonly string[]): Settings | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      baseline: { type: 'string' },
      warmup: { type: 'string', default: '50000' },
      requests: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '16' },
      stream: { type: 'boolean', default: false },
      core: { type: 'boolean', default: false },
      'results-dir': { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'instructions') },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return 'help';
  return {
    baseline: values.baseline,
    warmup: positive(values.warmup, '--warmup'),
    requests: positive(values.requests, '--requests'),
    connections: positive(values.connections, '--connections'),
    stream: values.stream,
    core: values.core,
    resultsDir: values['results-dir'],
  };
}

/** Sends exactly `amount` requests over `connections` connections; fails if any answer is not a 2xx. */
async function sendRequests(target: Target, settings: Settings, amount: number): Promise<void> {
  const result = await autocannon({
    url: `${target.origin}${target.path}`,
    method: 'POST',
    headers: target.headers,
    body: chatRequestBody(target.model, settings.stream),
    connections: settings.connections,
    amount,
    timeout: 60,
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${target.name}: ${failed} of ${amount} requests failed`);
}

async function callgrindControl(pid: number, ...args: string[]): Promise<void> {
  await run('callgrind_control', [...args, String(pid)]);
}

interface ThreadCounts {
  readonly mainThread: number;
  /** The thread that ran SQLite: the request log's writer. 0 when the log is off. */
  readonly requestLogWorker: number;
  /** V8's compiler and garbage-collector helpers, and anything else. */
  readonly otherThreads: number;
}

/** Reads one dump's per-thread files (`<out>.1-01` is the main thread) as instructions per request. */
async function readCounts(outFile: string, requests: number): Promise<ThreadCounts> {
  const directory = join(outFile, '..');
  const prefix = `${outFile.slice(directory.length + 1)}.1-`;
  let mainThread = 0;
  let requestLogWorker = 0;
  let otherThreads = 0;
  for (const name of (await readdir(directory)).filter((file) => file.startsWith(prefix))) {
    const text = await readFile(join(directory, name), 'utf8');
    const total = Number(/^totals: (\d+)/m.exec(text)?.[1] ?? /^summary: (\d+)/m.exec(text)?.[1] ?? 0);
    if (name.endsWith('-01')) mainThread += total;
    else if (text.includes('sqlite3_step')) requestLogWorker += total;
    else otherThreads += total;
  }
  return {
    mainThread: mainThread / requests,
    requestLogWorker: requestLogWorker / requests,
    otherThreads: otherThreads / requests,
  };
}

async function countOne(
  label: string,
  simulatorOrigin: string,
  settings: Settings,
  baselineRoot: string | undefined,
): Promise<ThreadCounts> {
  const outFile = join(settings.resultsDir, `callgrind.${label}.out`);
  const target = await startSwitchyard({
    simulatorOrigin,
    logLevel: 'info',
    nodeFlags: SWITCHYARD_PRODUCTION_NODE_FLAGS,
    ...(baselineRoot === undefined ? {} : { baselineRoot }),
    wrapper: [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      // V8 writes and rewrites machine code at run time; valgrind must notice it everywhere.
      '--smc-check=all-non-file',
      `--callgrind-out-file=${outFile}`,
    ],
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
    ...(settings.core ? { optionalConfig: CORE_CONFIG } : {}),
  });
  const pid = target.gatewayPid;
  if (pid === undefined) throw new Error(`${label}: no process id`);
  progress(`${label}: warming up (${settings.warmup} requests)`);
  await sendRequests(target, settings, settings.warmup);
  // The first connections' close makes V8 re-optimise Node's stream code once; let that happen uncounted.
  await sendRequests(target, settings, SECOND_WARMUP_REQUESTS);
  await callgrindControl(pid, '--instr=on');
  progress(`${label}: counting ${settings.requests} requests`);
  await sendRequests(target, settings, settings.requests);
  await callgrindControl(pid, '--dump');
  await callgrindControl(pid, '--instr=off');
  return readCounts(outFile, settings.requests);
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

async function main(argv: readonly string[]): Promise<number> {
  let settings: Settings | 'help';
  try {
    settings = parseSettings(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (settings === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    await run('valgrind', ['--version']);
  } catch {
    process.stderr.write('bench: valgrind is not installed (e.g. apt-get install valgrind)\n');
    return 2;
  }
  stopChildrenOnExit();
  const cleanups: (() => Promise<void>)[] = [];
  try {
    await mkdir(settings.resultsDir, { recursive: true });
    await buildSwitchyard();
    const simulator = await startSimulator();
    const labels: [string, string | undefined][] = [['switchyard', undefined]];
    if (settings.baseline !== undefined) {
      progress(`building Switchyard at ${settings.baseline} in a temporary worktree`);
      const baseline = await prepareBaseline(settings.baseline);
      cleanups.push(baseline.remove);
      labels.push([`switchyard-${settings.baseline}`, baseline.root]);
    }
    // Side by side: counts do not depend on what else runs, and it halves the wait.
    const counts = await Promise.all(
      labels.map(([label, root]) => countOne(label, simulator.origin, settings, root)),
    );
    const rows = labels.map(([label], index) => ({ label, ...(counts[index] as ThreadCounts) }));
    const mode = `${settings.stream ? 'stream' : 'JSON'}, ${settings.core ? 'request log and metrics off' : 'default config'}`;
    const lines = [
      `Instructions per request (${mode}; ${settings.requests} requests counted after ${settings.warmup} + ${SECOND_WARMUP_REQUESTS}, ${settings.connections} connections)`,
      '',
      '| build | main thread | request-log worker | other threads | total |',
      '| :-- | --: | --: | --: | --: |',
      ...rows.map(
        (row) =>
          `| ${row.label} | ${formatCount(row.mainThread)} | ${formatCount(row.requestLogWorker)} | ${formatCount(row.otherThreads)} | ${formatCount(row.mainThread + row.requestLogWorker + row.otherThreads)} |`,
      ),
    ];
    const [current, baseline] = rows;
    if (current !== undefined && baseline !== undefined) {
      lines.push('', `main thread: ${(current.mainThread / baseline.mainThread).toFixed(3)}× the baseline's`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    const jsonPath = join(
      settings.resultsDir,
      `instructions-${new Date().toISOString().replace(/:/g, '-')}.json`,
    );
    await writeFile(jsonPath, `${JSON.stringify({ settings, rows }, null, 2)}\n`);
    progress(`results and callgrind files in ${settings.resultsDir}`);
    return 0;
  } finally {
    await stopAllChildren();
    await removeSwitchyardFiles();
    for (const cleanup of cleanups) await cleanup();
  }
}

process.exitCode = await main(process.argv.slice(2));
