/**
 * The provider simulator: a fake upstream on node:http that speaks each vendor's wire format on its
 * own paths (src/sim/wire). Built for speed (no framework, no per-request timers at zero latency) because the overhead
 * benchmark measures the gateway against it.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimModelProfile } from './types.ts';
import { generateCompletion } from './content.ts';
import { answerEmbeddings } from './embeddings.ts';
import { FaultSpecError, FaultState, parseFaultList, type Fault, type FaultRule } from './faults.ts';
import { logNormalFromMedianP95, sampleLogNormal, type LogNormal } from './latency.ts';
import { SIM_FALLBACK_PROFILE, SIM_TIER_PROFILES } from './profiles.ts';
import { createRandom, mixSeeds, type Random } from './random.ts';
import { deliver, sendError, sendJson } from './respond.ts';
import { countPromptTokens } from './tokens.ts';
import {
  isSimError,
  type SimError,
  type SimPrompt,
  type SimRequestTarget,
  type SimWireFormat,
} from './types.ts';
import { SIM_WIRES } from './wire/index.ts';
import { encodeOpenAIModel, encodeOpenAIModelList, OPENAI_WIRE } from './wire/openai.ts';

export interface SimulatorOptions {
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** `zero` removes every delay; default `realistic`. */
  readonly latency?: 'zero' | 'realistic';
  /** Seeds content, latency samples and probabilistic faults; default 0. */
  readonly seed?: number;
  /** Profiles by model name; default the built-in tiers. */
  readonly profiles?: Readonly<Record<string, SimModelProfile>>;
  /** Profile for model names not in `profiles`; default `sim-mid`. */
  readonly fallbackProfile?: SimModelProfile;
  /** The clock `for_ms` fault windows are measured on (ms); default Date.now. Tests inject their own. */
  readonly now?: () => number;
}

export interface RunningSimulator {
  /** OpenAI-style base URL including `/v1`, without a trailing slash. */
  readonly url: string;
  /** Scheme, host and port (`http://127.0.0.1:1234`): the base for other formats' paths. */
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

export const FAULT_HEADER = 'x-sim-fault';
/** Large enough for a million-token prompt. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Distinct fault headers remembered already parsed. */
const FAULT_CACHE_LIMIT = 256;
/** `created` for the model list: the simulator's models have always existed. */
const MODELS_CREATED = 1_700_000_000;

interface PreparedProfile {
  readonly profile: SimModelProfile;
  readonly ttft: LogNormal;
  readonly faultRules: readonly FaultRule[];
}

function prepareProfile(name: string, profile: SimModelProfile): PreparedProfile {
  let faultRules: FaultRule[];
  try {
    faultRules = profile.faults.flatMap((spec) => parseFaultList(spec));
  } catch (error) {
    if (error instanceof FaultSpecError) throw new FaultSpecError(`Profile '${name}': ${error.message}`);
    throw error;
  }
  return { profile, ttft: logNormalFromMedianP95(profile.ttftMs.median, profile.ttftMs.p95), faultRules };
}

function originOf(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Faults answered with an error status instead of an answer. */
function faultError(fault: Fault, model: string): SimError | undefined {
  switch (fault.name) {
    case 'rate_limit':
      return { kind: 'rate_limit', model, retryAfterSeconds: fault.retryAfterSeconds };
    case 'rate_limit_no_retry_after':
      return { kind: 'rate_limit', model, retryAfterSeconds: undefined };
    case 'server_error':
      return { kind: 'server_error' };
    case 'unavailable':
      return { kind: 'unavailable' };
    case 'content_policy':
      return { kind: 'content_policy' };
    default:
      return undefined;
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? 0;
  const now = options.now ?? Date.now;
  const zeroLatency = options.latency === 'zero';
  const profiles = new Map<string, PreparedProfile>();
  for (const [name, profile] of Object.entries(options.profiles ?? SIM_TIER_PROFILES)) {
    profiles.set(name, prepareProfile(name, profile));
  }
  const fallback = prepareProfile('(fallback)', options.fallbackProfile ?? SIM_FALLBACK_PROFILE);
  const latencyRandom: Random = createRandom(mixSeeds(seed, 1));
  const faultState = new FaultState(createRandom(mixSeeds(seed, 2)));
  const faultHeaderCache = new Map<string, readonly FaultRule[] | FaultSpecError>();
  const idPrefix = randomBytes(4).toString('hex');
  let responseCount = 0;

  function headerFaultRules(header: string): readonly FaultRule[] | FaultSpecError {
    let parsed = faultHeaderCache.get(header);
    if (parsed === undefined) {
      try {
        parsed = parseFaultList(header);
      } catch (error) {
        if (!(error instanceof FaultSpecError)) throw error;
        parsed = error;
      }
      if (faultHeaderCache.size >= FAULT_CACHE_LIMIT) faultHeaderCache.clear();
      faultHeaderCache.set(header, parsed);
    }
    return parsed;
  }

  function handleChat(
    request: IncomingMessage,
    response: ServerResponse,
    wire: SimWireFormat,
    target: SimRequestTarget,
    bodyText: string,
  ): void {
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      const message = 'We could not parse the JSON body of your request. The API expects a JSON payload.';
      sendError(response, wire, { kind: 'invalid_request', message, param: null, code: null });
      return;
    }
    const prompt = wire.decodeRequest(body, target);
    if (isSimError(prompt)) {
      sendError(response, wire, prompt);
      return;
    }
    const prepared = profiles.get(prompt.model) ?? fallback;
    let rules = prepared.faultRules;
    const header = request.headers[FAULT_HEADER];
    if (typeof header === 'string') {
      const parsed = headerFaultRules(header);
      if (parsed instanceof FaultSpecError) {
        const message = `Invalid ${FAULT_HEADER} header: ${parsed.message}`;
        sendError(response, wire, {
          kind: 'invalid_request',
          message,
          param: null,
          code: 'invalid_fault_spec',
        });
        return;
      }
      rules = parsed;
    }
    const fault = rules.length === 0 ? undefined : faultState.select(rules, prompt.model, now());
    answer(request, response, wire, prompt, prepared, fault);
  }

  function answer(
    request: IncomingMessage,
    response: ServerResponse,
    wire: SimWireFormat,
    prompt: SimPrompt,
    prepared: PreparedProfile,
    fault: Fault | undefined,
  ): void {
    const promptTokens = countPromptTokens(prompt);
    const contextWindow = prepared.profile.contextWindow;
    if (fault?.name === 'context_length_exceeded' || promptTokens + (prompt.maxTokens ?? 0) > contextWindow) {
      const completionTokens = prompt.maxTokens;
      sendError(response, wire, {
        kind: 'context_length_exceeded',
        contextWindow,
        promptTokens,
        completionTokens,
      });
      return;
    }
    if (fault !== undefined) {
      const error = faultError(fault, prompt.model);
      if (error !== undefined) {
        sendError(response, wire, error);
        return;
      }
      if (fault.name === 'reset') {
        request.socket.resetAndDestroy();
        return;
      }
      // The socket stays open until the client gives up or the simulator closes.
      if (fault.name === 'no_response') return;
    }
    const ttft = zeroLatency ? 0 : sampleLogNormal(prepared.ttft, latencyRandom);
    responseCount += 1;
    deliver(response, {
      wire,
      meta: {
        id: `${wire.responseIdPrefix}${idPrefix}${responseCount.toString(36)}`,
        created: Math.floor(Date.now() / 1000),
        model: prompt.model,
        ...(prompt.logprobs === undefined ? {} : { logprobs: prompt.logprobs }),
      },
      completion: generateCompletion(prompt, seed, promptTokens, prepared.profile.reply),
      stream: prompt.stream,
      includeUsage: prompt.includeUsage,
      firstTokenDelayMs: ttft + (fault?.name === 'slow_first_token' ? fault.delayMs : 0),
      tokensPerSecond: zeroLatency ? Number.POSITIVE_INFINITY : prepared.profile.tokensPerSecond,
      fault,
    });
  }

  function readBody(
    request: IncomingMessage,
    response: ServerResponse,
    wire: SimWireFormat,
    target: SimRequestTarget,
  ): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        response.setHeader('connection', 'close');
        sendError(response, wire, { kind: 'payload_too_large', limitBytes: MAX_BODY_BYTES });
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (tooLarge) return;
      const bodyText =
        chunks.length === 1 ? (chunks[0]?.toString('utf8') ?? '') : Buffer.concat(chunks).toString('utf8');
      handleChat(request, response, wire, target, bodyText);
    });
  }

  function route(request: IncomingMessage, response: ServerResponse): void {
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt === -1 ? target : target.slice(0, queryAt);
    const search = queryAt === -1 ? '' : target.slice(queryAt);
    const method = request.method ?? 'GET';
    for (const wire of SIM_WIRES) {
      const generate = wire.matchGenerate(method, path, search);
      if (generate !== undefined) {
        readBody(request, response, wire, generate);
        return;
      }
    }
    if (method === 'POST' && path === '/v1/embeddings') {
      let bodyText = '';
      request.on('data', (chunk: Buffer) => (bodyText += chunk.toString('utf8')));
      request.on('end', () => {
        const answered = answerEmbeddings(bodyText);
        if (answered.ok) sendJson(response, 200, answered.body);
        else
          sendError(response, OPENAI_WIRE, {
            kind: 'invalid_request',
            message: answered.message,
            param: answered.param,
            code: null,
          });
      });
      return;
    }
    if (request.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, encodeOpenAIModelList([...profiles.keys()], MODELS_CREATED));
      return;
    }
    if (request.method === 'GET' && path.startsWith('/v1/models/')) {
      const name = decodeURIComponent(path.slice('/v1/models/'.length));
      if (profiles.has(name)) sendJson(response, 200, encodeOpenAIModel(name, MODELS_CREATED));
      else {
        const message = `The model '${name}' does not exist or you do not have access to it.`;
        sendError(response, OPENAI_WIRE, { kind: 'not_found', message, code: 'model_not_found' });
      }
      return;
    }
    request.resume();
    sendError(response, OPENAI_WIRE, {
      kind: 'not_found',
      message: `Invalid URL (${request.method ?? 'GET'} ${path})`,
      code: null,
    });
  }

  const server = createServer(route);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const origin = originOf(host, port);
  return {
    url: `${origin}/v1`,
    origin,
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Stalled streams and unanswered requests would otherwise keep the server open forever.
        server.closeAllConnections();
        faultState.reset();
      });
      return closing;
    },
  };
}
