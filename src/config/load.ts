/**
 * Loading: find the file, parse the YAML, interpolate the environment, validate against the schema,
 * resolve. Problems from every stage that can run are collected and thrown together as one ConfigError.
 */

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { SignalCatalog } from '../features/signal-types.ts';
import { createSignalRegistry } from '../features/signals/index.ts';
import { SIM_TIER_PROFILES } from '../sim/profiles.ts';
import { deepFreeze } from './freeze.ts';
import { interpolateEnv, isPlainObject, type Environment } from './interpolate.ts';
import { ConfigError, type ConfigIssue } from './issues.ts';
import { findInactiveProviders, isDormantPath, setAsideDormant } from './requires-env.ts';
import type { ResolvedConfig } from './resolved.ts';
import { resolveDocument } from './resolve.ts';
import { configDocumentSchema } from './schema.ts';
import { schemaIssues } from './schema-issues.ts';
import { parseYamlSource } from './yaml-source.ts';

export { ConfigError, type ConfigIssue } from './issues.ts';

/** The built-in default config: simulated tiers, plus real providers switched on by API keys. */
export const DEFAULT_CONFIG_PATH = join(import.meta.dirname, 'default-config.yaml');
/** Read from the working directory when no path is given. */
export const CONFIG_FILE_NAME = 'switchyard.yaml';

export interface LoadConfigOptions {
  /** An explicit config file (`--config`); it must exist. */
  readonly path?: string;
  /** Variables for interpolation and requires_env; default `process.env`. */
  readonly env?: Environment;
  /** Where ./switchyard.yaml is looked for; default the process's working directory. */
  readonly cwd?: string;
}

/** `path`, else ./switchyard.yaml if present, else the built-in default config. */
export function findConfigFile(options: Pick<LoadConfigOptions, 'path' | 'cwd'> = {}): string {
  if (options.path !== undefined) return resolve(options.cwd ?? process.cwd(), options.path);
  const local = join(options.cwd ?? process.cwd(), CONFIG_FILE_NAME);
  return existsSync(local) ? local : DEFAULT_CONFIG_PATH;
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const path = findConfigFile(options);
  const source = describeConfigFile(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError(source, [{ path: '', message: `cannot read the config file: ${reason}` }]);
  }
  return loadConfigText(text, {
    source,
    baseDir: dirname(path),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
}

export async function loadDefaultConfig(
  options: Pick<LoadConfigOptions, 'env'> = {},
): Promise<ResolvedConfig> {
  return loadConfig({ ...options, path: DEFAULT_CONFIG_PATH });
}

export interface LoadConfigTextOptions {
  readonly env?: Environment;
  /** Named in error messages, e.g. the file path. */
  readonly source?: string;
  /** The signals rules may read; default the built-in request signals. */
  readonly signals?: SignalCatalog;
  /** Files the config names are relative to this; default the working directory. */
  readonly baseDir?: string;
}

/** Resolve config from YAML text (what loadConfig does after reading the file). */
export async function loadConfigText(
  text: string,
  options: LoadConfigTextOptions = {},
): Promise<ResolvedConfig> {
  const environment = options.env ?? process.env;
  const source = options.source ?? 'config';
  const fail = (issues: readonly ConfigIssue[]): never => {
    throw new ConfigError(source, issues);
  };

  const parsed = parseYamlSource(text);
  if (parsed.issues.length > 0) return fail(parsed.issues);
  if (!isPlainObject(parsed.tree)) {
    return fail([{ path: '', message: 'the config must be a YAML mapping (providers, models, routes, …)' }]);
  }

  const tree = parsed.tree;
  const inactiveProviders = findInactiveProviders(tree, environment);
  const interpolated = interpolateEnv(tree, environment, (path) =>
    isDormantPath(path, tree, inactiveProviders),
  );
  const split = setAsideDormant(
    isPlainObject(interpolated.value) ? interpolated.value : {},
    inactiveProviders,
  );
  const validated = configDocumentSchema.safeParse(split.activeTree);
  const schemaProblems = validated.success ? [] : schemaIssues(validated.error, split.activeTree);
  const pending = [...interpolated.issues, ...split.issues, ...schemaProblems];
  if (pending.length > 0 || !validated.success) return fail(pending.map(parsed.locate));

  const result = await resolveDocument({
    document: validated.data,
    version: createHash('sha256').update(text).digest('hex').slice(0, 12),
    inactiveProviders,
    dormantModels: split.dormantModels,
    simTiers: SIM_TIER_PROFILES,
    signals: options.signals ?? createSignalRegistry(),
    ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
  });
  if (!result.ok) return fail(result.issues.map(parsed.locate));
  return deepFreeze(result.config);
}

/** How messages name a config file: relative to the working directory when inside it. */
export function describeConfigFile(path: string): string {
  if (path === DEFAULT_CONFIG_PATH) return 'built-in default config';
  const fromCwd = relative(process.cwd(), path);
  return fromCwd.startsWith('..') || isAbsolute(fromCwd) ? path : fromCwd;
}
