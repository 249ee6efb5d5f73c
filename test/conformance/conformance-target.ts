/**
 * What a wire format supplies to the shared conformance suite: an adapter factory, where its fixtures
 * live and how its streams are framed, the format's own words for shared concepts, and wire-level checks
 * of how it encodes the canonical requests in scenarios.ts.
 */

import type { ProviderAuth, ProviderType, ResolvedProvider } from '../../src/config/resolved.ts';
import type { ModelCapabilities } from '../../src/core/model.ts';
import type { Usage } from '../../src/core/response.ts';
import type { ProviderAdapter } from '../../src/providers/contract.ts';
import type { HttpTransport } from '../../src/providers/transport/http-transport.ts';
import type { RecordedRequest } from './replay-server.ts';
import type { ErrorCase } from './scenarios.ts';

/** The request encodings every format is checked on, against its own wire format. */
export type EncodingCheck =
  | 'multi-turn-with-system'
  | 'sampling-and-limits'
  | 'streaming'
  | 'tool-definitions'
  | 'tool-result-round-trip'
  | 'json-object'
  | 'json-schema'
  | 'images';

/** Another way a deployment of this format is addressed (Azure-style `api-key` + `api-version`, …). */
export interface AuthVariant {
  readonly label: string;
  readonly basePath: string;
  readonly auth: ProviderAuth;
  readonly query: Readonly<Record<string, string>>;
}

export interface ConformanceTarget {
  /** Names the describe block. */
  readonly label: string;
  readonly providerType: ProviderType;
  /** Folder under test/fixtures/ holding this format's fixtures. */
  readonly fixtureFolder: string;
  createAdapter(provider: ResolvedProvider, transport: HttpTransport): ProviderAdapter;
  /** The base URL path a provider of this format is configured with (`/v1`). */
  readonly basePath: string;
  readonly auth: ProviderAuth;
  readonly authVariants: readonly AuthVariant[];
  /** The path after the base path that a call must reach. */
  endpointPath(stream: boolean): string;
  /** One payload line of a `.chunks.txt` fixture as it appears on the wire. */
  frameStreamLine(line: string): string;
  readonly streamContentType: string;
  /** The model name sent upstream; the text fixtures report it back. */
  readonly upstreamModel: string;
  /** This format's own word for each unified finish reason, kept as `raw`. */
  readonly rawFinishReasons: Readonly<Record<'stop' | 'length' | 'tool_calls' | 'content_filter', string>>;
  /** What `usage-details.json` decodes to in this format (which details it reports varies). */
  readonly usageDetails: Usage;
  readonly wireCapabilities: ModelCapabilities;
  /** The human message inside one of this format's error bodies. */
  errorMessage(errorBody: unknown): string;
  /** Error cases of this format's own, checked like the shared ones (fixtures in its folder). */
  readonly extraErrorCases?: readonly ErrorCase[];
  /**
   * The HTTP status this format answers a shared error case with, by fixture, where it differs from
   * the shared one (Gemini reports a blocked prompt in a 200).
   */
  readonly errorStatusOverrides?: Readonly<Record<string, number>>;
  /** Tool call arguments arrive whole, in one delta per call, rather than in fragments (Gemini). */
  readonly toolArgumentsArriveWhole?: boolean;
  readonly wire: Readonly<Record<EncodingCheck, (recorded: RecordedRequest) => void>>;
}
