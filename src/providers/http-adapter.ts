/**
 * The one `ProviderAdapter` behind every HTTP wire format. A format supplies only what differs (URL,
 * request body, response and stream decoding, error reading); the call sequence is the same for all:
 * encode, POST through the shared transport, tag transport failures with their origin, map a non-2xx
 * status with the format's reader, then decode the body or the event stream.
 */

import type { ResolvedProvider } from '../config/resolved.ts';
import { GatewayError } from '../core/errors.ts';
import { scrubCredentials } from '../core/secrets.ts';
import type { ModelCapabilities, ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { ChatResponse, StreamBatch } from '../core/response.ts';
import { isJson, narrowCapabilities, staticHeaders, withExtraHeaders } from './adapter-support.ts';
import {
  PROVIDER_CONTRACT_VERSION,
  type CallContext,
  type ParameterSupport,
  type ProviderAdapter,
} from './contract.ts';
import { withOrigin, type ErrorOrigin } from './error-origin.ts';
import type { StreamDecodeContext } from './stream-decoding.ts';
import {
  parseEventStreamBatches,
  type EventStreamEnd,
  type ServerSentEvent,
} from './transport/event-stream.ts';
import type { HttpTransport, InboundResponse } from './transport/http-transport.ts';

type EventBatches = AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined>;

/** What one wire format contributes to its adapter. */
export interface WireFormat<Context extends StreamDecodeContext> {
  /** What the format can carry; config may narrow it per model, never widen it. */
  readonly capabilities: ModelCapabilities;
  readonly parameters: ParameterSupport;
  /** Everything the decoders need to know about one call; also the origin of its errors. */
  decodeContext(request: ChatRequest, model: ResolvedModel): Context;
  url(model: ResolvedModel, stream: boolean): string;
  /** The request body; throws a `GatewayError` for content the format cannot carry. */
  encode(request: ChatRequest, model: ResolvedModel, stream: boolean, context: Context): string;
  /** A non-2xx response → the catalogued error. */
  mapHttpError(
    status: number,
    headers: Readonly<Record<string, string>>,
    bodyText: string,
    origin: ErrorOrigin,
  ): GatewayError;
  decodeResponse(body: unknown, context: Context, upstreamStatus: number): ChatResponse;
  decodeStream(batches: EventBatches, context: Context): AsyncIterable<StreamBatch>;
  /**
   * The error a 2xx JSON body describes when it came where an event stream was asked for (some proxies
   * answer a stream request so); undefined when the format does not recognise it as an error.
   */
  errorInBody(body: unknown, context: Context, upstreamStatus: number): GatewayError | undefined;
}

export function createHttpAdapter<Context extends StreamDecodeContext>(
  provider: ResolvedProvider,
  transport: HttpTransport,
  wire: WireFormat<Context>,
): ProviderAdapter {
  // Everything that does not depend on the call is computed once here, off the request path.
  const baseHeaders = staticHeaders(provider);
  const secrets = provider.apiKey === undefined ? [] : [provider.apiKey];
  const capabilitiesByModel = new WeakMap<ResolvedModel, ModelCapabilities>();

  /** Sends the request; resolves with a 2xx response, rejects with the mapped upstream error otherwise. */
  async function send(
    request: ChatRequest,
    model: ResolvedModel,
    call: CallContext,
    context: Context,
    stream: boolean,
  ): Promise<InboundResponse> {
    const body = wire.encode(request, model, stream, context);
    const response = await transport
      .send({
        url: wire.url(model, stream),
        method: 'POST',
        headers:
          call.extraHeaders === undefined ? baseHeaders : withExtraHeaders(baseHeaders, call.extraHeaders),
        body,
        signal: call.signal,
        timeouts: provider.timeouts,
        maxConnections: provider.maxConnections,
      })
      .catch((error: unknown) => {
        throw withOrigin(error, context);
      });
    if (response.status >= 200 && response.status < 300) return response;
    // The error body explains the status; if it cannot be read, the status alone still classifies it.
    const bodyText = await response.text().catch(() => '');
    // Some upstreams quote the credential they were sent; it must not reach the client or the logs.
    throw wire.mapHttpError(response.status, response.headers, scrubCredentials(bodyText, secrets), context);
  }

  async function jsonInsteadOfStream(response: InboundResponse, context: Context): Promise<GatewayError> {
    const body = await response.json().catch((error: unknown) => withOrigin(error, context));
    if (body instanceof GatewayError) return body;
    return (
      wire.errorInBody(body, context, response.status) ??
      new GatewayError('upstream_bad_response', 'The upstream answered a stream request with a JSON body', {
        upstreamStatus: response.status,
        provider: context.provider,
        model: context.model,
      })
    );
  }

  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: provider.name,
    type: provider.type,

    parameters: wire.parameters,

    capabilities(model) {
      let capabilities = capabilitiesByModel.get(model);
      if (capabilities === undefined) {
        capabilities = narrowCapabilities(model.capabilities, wire.capabilities);
        capabilitiesByModel.set(model, capabilities);
      }
      return capabilities;
    },

    async generate(request, model, call): Promise<ChatResponse> {
      const context = wire.decodeContext(request, model);
      const response = await send(request, model, call, context, false);
      const json = await response.json().catch((error: unknown) => {
        throw withOrigin(error, context);
      });
      return wire.decodeResponse(json, context, response.status);
    },

    async stream(request, model, call): Promise<AsyncIterable<StreamBatch>> {
      const context = wire.decodeContext(request, model);
      const response = await send(request, model, call, context, true);
      if (isJson(response.headers)) throw await jsonInsteadOfStream(response, context);
      return wire.decodeStream(parseEventStreamBatches(response.body), context);
    },

    ready: () => true,
    // The transport is shared by every adapter and closed by whoever created it.
    close: async () => {},
  };
}
