/** Command-line flags of `npm run bench:overhead`, parsed into checked settings. */
import { parseArgs } from 'node:util';
import {
  SWITCHYARD_PRODUCTION_ENV,
  SWITCHYARD_PRODUCTION_NODE_FLAGS,
  TARGET_NAMES,
  type TargetName,
} from './systems.ts';
import type { LoadShape } from './workload.ts';

export interface BenchSettings {
  readonly rounds: number;
  /** Measured seconds per closed-loop cell. */
  readonly durationSeconds: number;
  /** Measured seconds per open-loop cell: longer, because a p99 needs enough requests at a low rate. */
  readonly openDurationSeconds: number;
  readonly warmupSeconds: number;
  readonly targets: readonly TargetName[];
  readonly loads: readonly LoadShape[];
  readonly streamModes: readonly boolean[];
  readonly switchyardLogLevel: string;
  /** Extra Node flags for the Switchyard process only, e.g. `--cpu-prof` or heap limits. */
  readonly switchyardNodeFlags: readonly string[];
  /** Node flags for the bare and framework proxies, e.g. Switchyard's heap settings for a like-for-like RSS. */
  readonly referenceNodeFlags: readonly string[];
  readonly resultsDirectory: string;
  /** A git ref of Switchyard to measure beside this checkout (target `switchyard-baseline`). */
  readonly baseline: string | undefined;
  /** Node flags for the baseline build (default: the same as Switchyard's): A/B runs of Node flags. */
  readonly baselineNodeFlags: readonly string[];
  /** YAML appended to every Switchyard's generated config (which must accept it). */
  readonly switchyardConfig: string;
  /** The same for the baseline only (default: switchyardConfig): A/B runs of config settings. */
  readonly baselineConfig: string;
  /** The baseline's environment instead of the production one, e.g. {} for glibc's malloc defaults. */
  readonly baselineEnvironment: Readonly<Record<string, string>> | undefined;
  /** Switchyard (every build) with the request log and metrics off: the serving path alone. */
  readonly core: boolean;
}

export const USAGE = `npm run bench:overhead -- [options]

Measures what each gateway adds over calling the simulator directly, interleaving the systems round
by round. Prints markdown tables and writes JSON to bench/results/.

  --rounds N            rounds over all targets and scenarios; medians are reported (default 3)
  --duration S          measured seconds per closed-loop cell (default 6)
  --open-duration S     measured seconds per open-loop cell (default 10: 5,000 requests at 500 req/s)
  --warmup S            unmeasured seconds before each cell, same load (default 1)
  --quick               smoke run: 1 round, 2 s cells, 0.5 s warm-up
  --targets LIST        of ${TARGET_NAMES.join(',')} (default all; direct is always included)
  --loads LIST          closed-<connections> and open-<req/s> (default closed-16,closed-64,open-500)
  --modes LIST          json,stream (default both)
  --switchyard-log-level L   Switchyard's server.log_level (default info, its own default)
  --switchyard-node-flags="F"  Node flags for Switchyard only (note the =; default: the heap settings of
                        \`npm start\`, "${SWITCHYARD_PRODUCTION_NODE_FLAGS.join(' ')}"), e.g.
                        "--cpu-prof --cpu-prof-dir=bench/results/profiles" or "--max-old-space-size=96"
  --reference-node-flags="F"   Node flags for bare-proxy and framework-proxy (default none), e.g.
                        Switchyard's heap settings, to compare memory like for like
  --results-dir DIR     where the JSON goes (default bench/results)
  --baseline REF        also measure Switchyard at git ref REF (built in a temporary worktree) as
                        target switchyard-baseline: before/after comparisons in one interleaved run
  --baseline-node-flags="F"    Node flags for the baseline only (default: Switchyard's); with
                        --baseline HEAD, an A/B of Node flags on the same build
  --switchyard-config="YAML"   appended to Switchyard's generated config, e.g.
                        "request_log: { flush_ms: 250 }" (a build that rejects it fails to start)
  --baseline-config="YAML"     the same for the baseline only (default: --switchyard-config's)
  --baseline-env="K=V ..."     the baseline's environment instead of Switchyard's production one
                        (${Object.entries(SWITCHYARD_PRODUCTION_ENV)
                          .map(([name, value]) => `${name}=${value}`)
                          .join(' ')}); --baseline-env= sets none
  --core                Switchyard with the request log and metrics off: the serving path alone (a
                        baseline older than those features runs its default config, which has neither)
  --help`;

export function parseBenchFlags(argv: readonly string[]): BenchSettings | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      'open-duration': { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      targets: { type: 'string' },
      loads: { type: 'string', default: 'closed-16,closed-64,open-500' },
      modes: { type: 'string', default: 'json,stream' },
      'switchyard-log-level': { type: 'string', default: 'info' },
      'switchyard-node-flags': { type: 'string', default: SWITCHYARD_PRODUCTION_NODE_FLAGS.join(' ') },
      'reference-node-flags': { type: 'string', default: '' },
      'results-dir': { type: 'string', default: 'bench/results' },
      baseline: { type: 'string' },
      'baseline-node-flags': { type: 'string' },
      'baseline-env': { type: 'string' },
      'switchyard-config': { type: 'string', default: '' },
      'baseline-config': { type: 'string' },
      core: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick;
  return {
    rounds: positiveNumber('--rounds', values.rounds, quick ? 1 : 3, true),
    durationSeconds: positiveNumber('--duration', values.duration, quick ? 2 : 6, false),
    openDurationSeconds: positiveNumber('--open-duration', values['open-duration'], quick ? 2 : 10, false),
    warmupSeconds: positiveNumber('--warmup', values.warmup, quick ? 0.5 : 1, false),
    targets: parseTargets(values.targets, values.baseline !== undefined),
    loads: splitList(values.loads).map(parseLoad),
    streamModes: splitList(values.modes).map(parseMode),
    switchyardLogLevel: values['switchyard-log-level'],
    switchyardNodeFlags: splitWords(values['switchyard-node-flags']),
    referenceNodeFlags: splitWords(values['reference-node-flags']),
    resultsDirectory: values['results-dir'],
    baseline: values.baseline,
    baselineNodeFlags: splitWords(values['baseline-node-flags'] ?? values['switchyard-node-flags']),
    switchyardConfig: yamlLines(values['switchyard-config']),
    baselineConfig: yamlLines(values['baseline-config'] ?? values['switchyard-config']),
    baselineEnvironment:
      values['baseline-env'] === undefined ? undefined : parseEnvironment(values['baseline-env']),
    core: values.core,
  };
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== '');
}

/** Config text as given on the command line, ending with a newline so more can follow it. */
function yamlLines(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

function parseEnvironment(text: string): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const word of splitWords(text)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word);
    if (match === null) throw new Error(`--baseline-env: '${word}' is not NAME=VALUE`);
    environment[match[1] ?? ''] = match[2] ?? '';
  }
  return environment;
}

function positiveNumber(flag: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  }
  return value;
}

function parseTargets(text: string | undefined, baseline: boolean): TargetName[] {
  const withBaseline = (names: readonly TargetName[]): TargetName[] =>
    names.filter((name) => name !== 'switchyard-baseline' || baseline);
  if (text === undefined) return withBaseline(TARGET_NAMES);
  const chosen = new Set<TargetName>(baseline ? ['direct', 'switchyard-baseline'] : ['direct']);
  for (const name of splitList(text)) {
    const known = TARGET_NAMES.find((target) => target === name);
    if (known === undefined) throw new Error(`unknown target '${name}' (known: ${TARGET_NAMES.join(', ')})`);
    chosen.add(known);
  }
  if (chosen.has('switchyard-baseline') && !baseline) {
    throw new Error('target switchyard-baseline needs --baseline REF');
  }
  // Keep the canonical order so tables always read direct → bare proxy → gateways.
  return TARGET_NAMES.filter((name) => chosen.has(name));
}

function parseLoad(text: string): LoadShape {
  const match = /^(closed|open)-(\d+)$/.exec(text);
  const amount = Number(match?.[2]);
  if (match === null || !(amount > 0))
    throw new Error(`bad load '${text}': use closed-<connections> or open-<req/s>`);
  return match[1] === 'closed'
    ? { kind: 'closed', connections: amount }
    : { kind: 'open', requestsPerSecond: amount };
}

function parseMode(text: string): boolean {
  if (text === 'json') return false;
  if (text === 'stream') return true;
  throw new Error(`bad mode '${text}': use json or stream`);
}
