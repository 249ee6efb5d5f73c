/**
 * `switchyard explain --request req.json` — route one OpenAI chat-completions body the way the gateway
 * would and print the decision, without starting providers or calling any model. The output is what
 * `POST /v1/route/explain` returns, so a config's rules can be tried from a shell or a CI job.
 */

import { readFile } from 'node:fs/promises';
import { text as readAll } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/resolved.ts';
import { GatewayError } from '../core/errors.ts';
import type { ChatRequest } from '../core/request.ts';
import { createSignalRegistry } from '../features/signals/index.ts';
import { explainRouting, type Explanation } from '../routing/explain.ts';
import { buildIntentClassifier } from '../features/intent-classifier.ts';
import { createPlanner } from '../routing/plan.ts';
import { decodeChatCompletionRequest } from '../server/protocol/openai/decode-request.ts';
import { asUsageError, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';
import type { CommandIo } from './validate.ts';

export const EXPLAIN_HELP = `switchyard explain [--config switchyard.yaml] --request req.json [--header 'name: value' ...]

Routes an OpenAI chat-completions body (--request file, or - for stdin) as the gateway would, without
starting providers or calling any model, and prints { decision, signals_read, signal_failures } as JSON:
what POST /v1/route/explain returns. --header adds a request header (repeatable), e.g.
--header 'x-switchyard-priority: high' or --header 'x-switchyard-tenant: acme-bank'. Without --config it
reads ./switchyard.yaml, or else the built-in default config.

Exit codes:
  0  routed; the decision is printed
  1  the request is valid but routing refused it (no_eligible_target, context_length_exceeded,
     model_not_found, …); the error code and message are printed
  2  usage error, unreadable or invalid JSON, a request that fails validation, or an invalid config`;

/** Routing refused a valid request. */
export const ROUTING_REFUSED_EXIT_CODE = 1;

export interface ExplainIo extends CommandIo {
  /** The whole of standard input, for `--request -`. */
  readonly readStdin: () => Promise<string>;
}

const processIo: ExplainIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readStdin: () => readAll(process.stdin),
};

interface ExplainFlags {
  readonly config: string | undefined;
  readonly request: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
}

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parseFlags(args: readonly string[]): ExplainFlags | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string' },
      request: { type: 'string' },
      header: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return 'help';
  if (values.request === undefined || values.request === '') {
    throw new UsageError('--request is required: a JSON file with a chat-completions body, or - for stdin');
  }
  return { config: values.config, request: values.request, headers: parseHeaders(values.header ?? []) };
}

/** `name: value` pairs → headers as Node delivers them: lower-case names, repeats as an array. */
function parseHeaders(given: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const text of given) {
    const colon = text.indexOf(':');
    const name = (colon === -1 ? '' : text.slice(0, colon)).trim().toLowerCase();
    if (colon === -1 || !HEADER_NAME.test(name)) {
      throw new UsageError(`--header must be 'name: value', got '${text}'`);
    }
    const value = text.slice(colon + 1).trim();
    const previous = headers[name];
    headers[name] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return headers;
}

/** A problem with the request file or its body: printed as is, exit code 2. */
class RequestInputError extends Error {
  override readonly name = 'RequestInputError';
}

async function readRequestBody(path: string, io: ExplainIo): Promise<unknown> {
  const source = path === '-' ? 'stdin' : path;
  let text: string;
  try {
    text = path === '-' ? await io.readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    throw new RequestInputError(`cannot read the request ${source}: ${readFailure(error)}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RequestInputError(`the request ${source} is not valid JSON: ${reason}`);
  }
}

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

function decodeRequest(body: unknown, path: string): ChatRequest {
  try {
    return decodeChatCompletionRequest(body);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    const source = path === '-' ? 'stdin' : path;
    // Validation messages name the field already; consistency checks (tool_choice, …) may not.
    const param = error.details.param;
    const field = param === undefined || error.message.includes(`'${param}'`) ? '' : ` (field '${param}')`;
    throw new RequestInputError(`invalid request in ${source}: ${error.message}${field}`);
  }
}

/** Routes one request; throws the planner's GatewayError when routing refuses it. */
export async function explainRequest(
  config: ResolvedConfig,
  request: ChatRequest,
  headers: ExplainFlags['headers'] = {},
): Promise<Explanation> {
  // An in-process intent classifier is built here too; an embedding one would call a model, which a dry
  // run does not (its rules then read intent as missing, and the output says why).
  const intentSettings = config.signals.intent;
  const intent =
    intentSettings === undefined || intentSettings.embeddingsModel !== undefined
      ? undefined
      : await buildIntentClassifier(intentSettings, undefined);
  const signals = createSignalRegistry({
    complexity: config.signals.complexity,
    ...(intent === undefined ? {} : { intent }),
  });
  return explainRouting(createPlanner(config), signals, request, headers);
}

export async function runExplainCommand(args: readonly string[], io: ExplainIo = processIo): Promise<number> {
  let flags: ExplainFlags | 'help';
  try {
    flags = parseFlags(args);
  } catch (error) {
    const usage = asUsageError(error);
    if (usage === undefined) throw error;
    io.stderr(`switchyard explain: ${usage.message}\n\n${EXPLAIN_HELP}\n`);
    return USAGE_EXIT_CODE;
  }
  if (flags === 'help') {
    io.stdout(`${EXPLAIN_HELP}\n`);
    return 0;
  }

  let config: ResolvedConfig;
  let request: ChatRequest;
  try {
    config = await loadConfig({ ...(flags.config === undefined ? {} : { path: flags.config }), env: io.env });
    request = decodeRequest(await readRequestBody(flags.request, io), flags.request);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.format()}\n`);
      return USAGE_EXIT_CODE;
    }
    if (!(error instanceof RequestInputError)) throw error;
    io.stderr(`switchyard explain: ${error.message}\n`);
    return USAGE_EXIT_CODE;
  }

  try {
    io.stdout(`${JSON.stringify(await explainRequest(config, request, flags.headers), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    io.stderr(`switchyard explain: routing refused the request: ${error.code}: ${error.message}\n`);
    return ROUTING_REFUSED_EXIT_CODE;
  }
}
