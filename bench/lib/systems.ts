/**
 * The systems under test, each started as its own process on 127.0.0.1: the simulator (the upstream for
 * all of them, with zero latency), a bare pass-through proxy (reference line), Switchyard, and the Portkey
 * gateway (the peer). Each is ready only once a real completion, JSON and stream, made it through.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { findFreePort, type ManagedChild, startNodeChild, waitUntilReady } from './child-processes.ts';
import { chatRequestBody } from './workload.ts';

export const TARGET_NAMES = [
  'direct',
  'bare-proxy',
  'framework-proxy',
  'switchyard',
  'switchyard-anthropic',
  'switchyard-baseline',
  'portkey',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const PORTKEY_ENTRY = join(REPO_ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
const PORTKEY_HEADERS_FIX = join(REPO_ROOT, 'bench', 'portkey-mutable-headers.ts');
const CHAT_PATH = '/v1/chat/completions';
// The simulator answers any model name; clients of the gateways name the model or route they want.
const UPSTREAM_MODEL = 'gpt-4o-mini';
const SWITCHYARD_ROUTING_MODEL = 'auto';
const STARTUP_TIMEOUT_MS = 30_000;

export interface Target {
  readonly name: TargetName;
  readonly origin: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The `model` the client sends. */
  readonly model: string;
  /** The gateway's process, for memory readings; undefined for `direct`. */
  readonly gatewayPid: number | undefined;
}

export interface Simulator {
  readonly origin: string;
  readonly child: ManagedChild;
}

export async function startSimulator(): Promise<Simulator> {
  const port = await findFreePort();
  const child = startNodeChild({
    name: 'simulator',
    cwd: REPO_ROOT,
    args: ['src/main.ts', 'simulate', '--latency', 'zero', '--port', String(port), '--host', '127.0.0.1'],
  });
  const origin = `http://127.0.0.1:${port}`;
  const direct = directTarget(origin);
  await waitUntilReady(child, () => servesCompletions(direct), STARTUP_TIMEOUT_MS);
  return { origin, child };
}

export function directTarget(simulatorOrigin: string): Target {
  return {
    name: 'direct',
    origin: simulatorOrigin,
    path: CHAT_PATH,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    model: UPSTREAM_MODEL,
    gatewayPid: undefined,
  };
}

/** A reference proxy from bench/: `bare-proxy` (node:http) or `framework-proxy` (fastify + undici). */
export async function startReferenceProxy(
  name: 'bare-proxy' | 'framework-proxy',
  simulatorOrigin: string,
  nodeFlags: readonly string[] = [],
): Promise<Target> {
  const port = await findFreePort();
  const child = startNodeChild({
    name,
    cwd: REPO_ROOT,
    args: [...nodeFlags, `bench/${name}.ts`, '--port', String(port), '--upstream', simulatorOrigin],
  });
  const target: Target = {
    ...directTarget(simulatorOrigin),
    name,
    origin: `http://127.0.0.1:${port}`,
    gatewayPid: child.pid,
  };
  await waitUntilReady(child, () => servesCompletions(target), STARTUP_TIMEOUT_MS);
  return target;
}

/**
 * Switchyard with a generated config: one openai-compatible provider pointing at the simulator, two
 * models on it, and a fallback route as the default, so `model: "auto"` runs routing and the executor.
 */
/**
 * The heap settings `npm start` runs Switchyard with (keep in step with package.json): a 4 MB young
 * generation and old-generation growth of 1.5× the live heap instead of V8's up-to-4× keep peak RSS near
 * half of V8's defaults on this load, for about a tenth of throughput; without allocation-site
 * pretenuring, the short-lived objects of in-flight streams stay in the young generation instead of being
 * allocated old, which halves the mark-compacts under load; without Maglev (V8's mid-tier compiler), whose
 * compilations under load leave ~30 MB of freed-but-kept malloc memory behind, peak RSS is 17–34 MB lower
 * for the same throughput (docs/benchmarks.md).
 */
export const SWITCHYARD_PRODUCTION_NODE_FLAGS = [
  '--max-semi-space-size=4',
  '--heap-growing-percent=50',
  '--no-allocation-site-pretenuring',
  '--no-maglev',
] as const;

/**
 * The environment the README's production command sets: two glibc malloc arenas instead of up to eight
 * per core. The V8 helper threads and the request log's worker each got an arena of their own that kept
 * what they freed; with two, peak RSS was 171 against 179 MB at the same or better throughput
 * (docs/benchmarks.md). Ignored where the C library is not glibc.
 */
export const SWITCHYARD_PRODUCTION_ENV = { MALLOC_ARENA_MAX: '2' } as const;

/** The compiled gateway, as deployed (`npm run build`); the driver builds it before starting. */
const SWITCHYARD_ENTRY = 'dist/main.js';

/**
 * How Switchyard reaches the simulator: `openai-compatible` passes OpenAI's format through; `anthropic`
 * is a translated route — OpenAI in, the simulator's Anthropic Messages endpoint out.
 */
export type SwitchyardUpstream = 'openai-compatible' | 'anthropic';

export function switchyardConfigYaml(
  simulatorOrigin: string,
  logLevel: string,
  upstream: SwitchyardUpstream = 'openai-compatible',
): string {
  return `# Generated by bench/overhead.ts — the simulator is the only upstream.
server:
  host: 127.0.0.1
  log_level: ${logLevel}
providers:
  simulator:
    type: ${upstream}
    base_url: ${simulatorOrigin}/v1
    api_key: sk-bench
models:
  primary:
    provider: simulator
    upstream: ${UPSTREAM_MODEL}
    context_window: 128000
    pricing: { input_per_million: 0.15, output_per_million: 0.6 }
  secondary:
    provider: simulator
    upstream: ${UPSTREAM_MODEL}
    context_window: 128000
    pricing: { input_per_million: 0.15, output_per_million: 0.6 }
routes:
  # Rules on, as a routed deployment runs: every request is checked against these before the default.
  - name: escalated
    match: 'convo_length > 8 || priority == "high" || metadata.escalation == "true"'
    targets: [secondary]
  - name: tools
    match: 'has_tools && tool_count > 3'
    targets: [secondary]
  - name: legal
    match: 'metadata.team in ["legal", "compliance"]'
    targets: [secondary]
  - name: bench
    strategy: fallback
    targets: [primary, secondary]
default_route: bench
`;
}

/** Each Switchyard's config and request log, deleted by removeSwitchyardFiles once the run is over. */
const switchyardDirectories: string[] = [];

export async function removeSwitchyardFiles(): Promise<void> {
  const directories = switchyardDirectories.splice(0);
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
}

/**
 * Config added for a core measurement: the serving path without the request log and metrics. A build
 * older than those features rejects the keys and runs its default config, which has neither.
 */
export const CORE_CONFIG = 'request_log: { store: off }\nmetrics: { enabled: false }\n';

export interface SwitchyardStart {
  readonly simulatorOrigin: string;
  readonly logLevel: string;
  readonly nodeFlags: readonly string[];
  readonly upstream?: SwitchyardUpstream;
  /** A checkout of another commit (`--baseline`), built; default this one. */
  readonly baselineRoot?: string;
  /** A command the gateway's Node runs under, e.g. valgrind and its flags (bench/instructions.ts). */
  readonly wrapper?: readonly string[];
  /** How long to wait for the first answer. */
  readonly startupTimeoutMs?: number;
  /**
   * YAML appended to the generated config when the build accepts it, e.g. `request_log: { store: off }`:
   * a build too old to know those keys has nothing there to switch off.
   */
  readonly optionalConfig?: string;
  /** YAML appended to the generated config, which must accept it (A/B runs of config settings). */
  readonly extraConfig?: string;
  /** The environment instead of SWITCHYARD_PRODUCTION_ENV (A/B runs of environment settings). */
  readonly environment?: Readonly<Record<string, string>>;
}

export async function startSwitchyard(start: SwitchyardStart): Promise<Target> {
  const { simulatorOrigin, logLevel, nodeFlags, baselineRoot } = start;
  const upstream = start.upstream ?? 'openai-compatible';
  const configDirectory = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
  switchyardDirectories.push(configDirectory);
  const configPath = join(configDirectory, 'switchyard.yaml');
  const root = baselineRoot ?? REPO_ROOT;
  const config = switchyardConfigYaml(simulatorOrigin, logLevel, upstream) + (start.extraConfig ?? '');
  await writeFile(configPath, config + (start.optionalConfig ?? ''));
  try {
    await validateSwitchyardConfig(configPath, root);
  } catch (error) {
    if (start.optionalConfig === undefined) throw error;
    await writeFile(configPath, config);
    await validateSwitchyardConfig(configPath, root);
  }
  const port = await findFreePort();
  const name: TargetName =
    baselineRoot !== undefined
      ? 'switchyard-baseline'
      : upstream === 'anthropic'
        ? 'switchyard-anthropic'
        : 'switchyard';
  const child = startNodeChild({
    name,
    cwd: root,
    ...(start.wrapper === undefined ? {} : { wrapper: start.wrapper }),
    // The default request log, in a new file per run (a log grown by earlier runs would make runs
    // incomparable); set through the environment so that older baselines, which ignore it, still start.
    env: {
      ...(start.environment ?? SWITCHYARD_PRODUCTION_ENV),
      SWITCHYARD_REQUEST_LOG_PATH: join(configDirectory, 'requests.sqlite'),
    },
    args: [
      ...nodeFlags,
      SWITCHYARD_ENTRY,
      'serve',
      '--config',
      configPath,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
    ],
  });
  const target: Target = {
    name,
    origin: `http://127.0.0.1:${port}`,
    path: CHAT_PATH,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    model: SWITCHYARD_ROUTING_MODEL,
    gatewayPid: child.pid,
  };
  await waitUntilReady(child, () => servesCompletions(target), start.startupTimeoutMs ?? STARTUP_TIMEOUT_MS);
  return target;
}

/** Compiles the gateway the way it is deployed; the TypeScript sources are not what production runs. */
export async function buildSwitchyard(root: string = REPO_ROOT): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await promisify(execFile)(npm, ['run', 'build'], { cwd: root, timeout: 120_000 });
}

/**
 * Another commit of Switchyard, for before/after comparisons in one run (`--baseline REF`): checked out
 * as a detached git worktree sharing this checkout's node_modules, and built. `remove` deletes it.
 */
export async function prepareBaseline(ref: string): Promise<{ root: string; remove: () => Promise<void> }> {
  const run = promisify(execFile);
  const root = await mkdtemp(join(tmpdir(), 'switchyard-baseline-'));
  await run('git', ['worktree', 'add', '--detach', root, ref], { cwd: REPO_ROOT });
  const remove = async (): Promise<void> => {
    await run('git', ['worktree', 'remove', '--force', root], { cwd: REPO_ROOT });
  };
  try {
    await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    await buildSwitchyard(root);
  } catch (error) {
    await remove();
    throw error;
  }
  return { root, remove };
}

/** Validated by the build that will serve it (`root` is built: `dist/`). */
async function validateSwitchyardConfig(configPath: string, root: string): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [SWITCHYARD_ENTRY, 'validate', configPath], {
      cwd: root,
      timeout: STARTUP_TIMEOUT_MS,
    });
  } catch (error) {
    const output =
      typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    throw new Error(`the generated Switchyard config does not validate (${configPath}):\n${output}`, {
      cause: error,
    });
  }
}

/**
 * Portkey's Node build, headless (no log UI). It needs no config file: the provider and the upstream
 * come with each request, as headers. 127.0.0.1 is on its default list of trusted custom hosts. The
 * preload works around a Portkey bug that breaks every stream (see bench/portkey-mutable-headers.ts).
 */
export async function startPortkey(simulatorOrigin: string): Promise<Target> {
  const port = await findFreePort();
  const child = startNodeChild({
    name: 'portkey',
    cwd: REPO_ROOT,
    args: ['--import', PORTKEY_HEADERS_FIX, PORTKEY_ENTRY, `--port=${port}`, '--headless'],
  });
  const target: Target = {
    name: 'portkey',
    origin: `http://127.0.0.1:${port}`,
    path: CHAT_PATH,
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-bench',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${simulatorOrigin}/v1`,
    },
    model: UPSTREAM_MODEL,
    gatewayPid: child.pid,
  };
  await waitUntilReady(child, () => servesCompletions(target), STARTUP_TIMEOUT_MS);
  return target;
}

/** True when a JSON completion and a streamed completion both come back whole through `target`. */
export async function servesCompletions(target: Target): Promise<boolean> {
  const send = async (stream: boolean): Promise<{ status: number; text: string }> => {
    const answer = await request(`${target.origin}${target.path}`, {
      method: 'POST',
      headers: target.headers,
      body: chatRequestBody(target.model, stream),
      headersTimeout: 5000,
      bodyTimeout: 5000,
    });
    return { status: answer.statusCode, text: await answer.body.text() };
  };
  const json = await send(false);
  if (json.status !== 200) throw new Error(`HTTP ${json.status}: ${json.text.slice(0, 300)}`);
  const completion = JSON.parse(json.text) as { choices?: { message?: { content?: unknown } }[] };
  if (typeof completion.choices?.[0]?.message?.content !== 'string') return false;
  const stream = await send(true);
  if (stream.status !== 200) throw new Error(`stream HTTP ${stream.status}: ${stream.text.slice(0, 300)}`);
  return stream.text.includes('data: ') && stream.text.includes('[DONE]');
}
