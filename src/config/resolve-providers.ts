/** Providers: from their validated document to the resolved, default-filled form the adapters read. */

import { FaultSpecError, parseFaultSpec } from '../sim/faults.ts';
import type { ResolvedProvider, SimModelProfile, SimProviderSettings } from './resolved.ts';
import { PROVIDER_DEFAULTS } from './defaults.ts';
import { knownList, type PendingIssue } from './issues.ts';
import { resolveReplaySettings } from './resolve-replay.ts';
import type { ProviderDocument, SimProfileDocument } from './schema.ts';

type SimProviderDocument = Extract<ProviderDocument, { type: 'sim' }>;

export async function resolveProvider(
  name: string,
  document: ProviderDocument,
  simTiers: Readonly<Record<string, SimModelProfile>>,
  issues: PendingIssue[],
  /** Files the provider names (replay outcomes) are relative to this. */
  baseDir: string,
): Promise<ResolvedProvider> {
  if (document.type === 'replay') {
    return {
      name,
      type: 'replay',
      // Served in-process from a file: nothing to connect to.
      baseUrl: '',
      apiKey: undefined,
      auth: { header: PROVIDER_DEFAULTS.authHeader, prefix: '' },
      headers: {},
      query: {},
      timeouts: {
        connectMs: PROVIDER_DEFAULTS.timeouts.connectMs,
        headersMs: PROVIDER_DEFAULTS.timeouts.headersMs,
        bodyIdleMs: PROVIDER_DEFAULTS.timeouts.bodyIdleMs,
      },
      maxConnections: PROVIDER_DEFAULTS.maxConnections,
      forwardHeaders: [],
      defaultMaxTokens: undefined,
      sim: undefined,
      replay: await resolveReplaySettings(name, document, baseDir, issues),
    };
  }
  const timeouts = {
    connectMs: document.timeouts.connect_ms,
    headersMs: document.timeouts.headers_ms,
    bodyIdleMs: document.timeouts.body_idle_ms,
  };
  const forwardHeaders = (document.forward_headers ?? defaultForwardHeaders(document)).map((header) =>
    header.toLowerCase(),
  );
  if (document.type === 'sim') {
    return {
      name,
      type: 'sim',
      // The simulator runs in-process; there is no URL to configure.
      baseUrl: '',
      apiKey: undefined,
      auth: { header: PROVIDER_DEFAULTS.authHeader, prefix: '' },
      headers: {},
      query: {},
      timeouts,
      maxConnections: document.max_connections,
      forwardHeaders,
      defaultMaxTokens: undefined,
      sim: resolveSimSettings(name, document, simTiers, issues),
      replay: undefined,
    };
  }
  const baseUrl = document.base_url ?? defaultBaseUrl(document.type);
  // Anthropic's API refuses calls without its version header; a configured header still wins.
  const headers =
    document.type === 'anthropic'
      ? { 'anthropic-version': document.version, ...document.headers }
      : document.headers;
  return {
    name,
    type: document.type,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: document.api_key === '' ? undefined : document.api_key,
    auth: {
      header: document.auth.header.toLowerCase(),
      prefix: document.auth.scheme === 'bearer' ? 'Bearer ' : '',
    },
    headers,
    query: document.query,
    timeouts,
    maxConnections: document.max_connections,
    forwardHeaders,
    defaultMaxTokens: document.type === 'anthropic' ? document.default_max_tokens : undefined,
    sim: undefined,
    replay: undefined,
  };
}

function defaultBaseUrl(type: 'openai' | 'openai-compatible' | 'anthropic' | 'gemini'): string {
  switch (type) {
    case 'anthropic':
      return PROVIDER_DEFAULTS.anthropic.baseUrl;
    case 'gemini':
      return PROVIDER_DEFAULTS.gemini.baseUrl;
    case 'openai':
    case 'openai-compatible':
      return PROVIDER_DEFAULTS.openaiBaseUrl;
  }
}

function defaultForwardHeaders(document: Exclude<ProviderDocument, { type: 'replay' }>): readonly string[] {
  return document.type === 'sim' ? PROVIDER_DEFAULTS.simForwardHeaders : PROVIDER_DEFAULTS.forwardHeaders;
}

/** The built-in tiers, each overridden field by field by a profile of the same name, plus new profiles. */
function resolveSimSettings(
  providerName: string,
  document: SimProviderDocument,
  simTiers: Readonly<Record<string, SimModelProfile>>,
  issues: PendingIssue[],
): SimProviderSettings {
  // A copy: the resolved config is frozen, and the simulator's own tier table must stay its own.
  const profiles: Record<string, SimModelProfile> = structuredClone(simTiers);
  for (const [profileName, profile] of Object.entries(document.profiles)) {
    const path = ['providers', providerName, 'profiles', profileName];
    const resolved = resolveSimProfile(profile, simTiers[profileName], path, Object.keys(simTiers), issues);
    if (resolved !== undefined) profiles[profileName] = resolved;
  }
  return { latency: document.latency, seed: document.seed, wire: document.wire, profiles };
}

function resolveSimProfile(
  profile: SimProfileDocument,
  tier: SimModelProfile | undefined,
  path: readonly string[],
  tierNames: readonly string[],
  issues: PendingIssue[],
): SimModelProfile | undefined {
  const ttftMs = profile.ttft_ms ?? tier?.ttftMs;
  const tokensPerSecond = profile.tokens_per_second ?? tier?.tokensPerSecond;
  const contextWindow = profile.context_window ?? tier?.contextWindow;
  const missing = [
    ttftMs === undefined ? 'ttft_ms' : undefined,
    tokensPerSecond === undefined ? 'tokens_per_second' : undefined,
    contextWindow === undefined ? 'context_window' : undefined,
  ].filter((field) => field !== undefined);
  if (
    missing.length > 0 ||
    ttftMs === undefined ||
    tokensPerSecond === undefined ||
    contextWindow === undefined
  ) {
    issues.push({
      path,
      message: `a profile that is not a built-in tier must set ${missing.join(', ')} (tiers: ${knownList(tierNames)})`,
    });
    return undefined;
  }
  if (ttftMs.p95 < ttftMs.median) {
    issues.push({
      path: [...path, 'ttft_ms', 'p95'],
      message: `p95 (${ttftMs.p95}) is below the median (${ttftMs.median})`,
    });
  }
  const faults = profile.faults ?? tier?.faults ?? [];
  for (const [index, fault] of faults.entries()) {
    const problem = faultSpecProblem(fault);
    if (problem !== undefined) issues.push({ path: [...path, 'faults', index], message: problem });
  }
  const reply = profile.reply ?? tier?.reply;
  return { ttftMs, tokensPerSecond, contextWindow, faults, ...(reply === undefined ? {} : { reply }) };
}

/** Checked at load so a typo fails startup rather than the first request to the model. */
function faultSpecProblem(spec: string): string | undefined {
  try {
    parseFaultSpec(spec);
    return undefined;
  } catch (error) {
    if (error instanceof FaultSpecError) return error.message;
    throw error;
  }
}
