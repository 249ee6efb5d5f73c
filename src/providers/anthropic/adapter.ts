/** PLACEHOLDER — being written this session; replaced before the issue closes. */

import type { ResolvedProvider } from '../../config/resolved.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ProviderAdapter } from '../contract.ts';
import type { HttpTransport } from '../transport/http-transport.ts';

export function createAnthropicAdapter(
  provider: ResolvedProvider,
  transport: HttpTransport,
): ProviderAdapter {
  void transport;
  throw new GatewayError(
    'internal_error',
    `Provider '${provider.name}': the anthropic adapter is not built yet`,
  );
}
