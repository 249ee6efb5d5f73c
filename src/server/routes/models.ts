import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedConfig } from '../../config/resolved.ts';
import { AUTO_MODEL } from '../../routing/plan.ts';

/** GET /v1/models — models and routes, both addressable as `model`, in OpenAI's list shape. */
export function modelsHandler(config: ResolvedConfig) {
  const created = Math.floor(Date.now() / 1000);
  const entries = [
    {
      id: AUTO_MODEL,
      object: 'model',
      created,
      owned_by: 'switchyard',
      switchyard: { kind: 'route', route: config.defaultRoute },
    },
    ...[...config.routes.values()].map((route) => ({
      id: route.name,
      object: 'model',
      created,
      owned_by: 'switchyard',
      switchyard: { kind: 'route', strategy: route.strategy, targets: route.targets },
    })),
    ...[...config.models.values()].map((model) => ({
      id: model.id,
      object: 'model',
      created,
      owned_by: model.provider,
      switchyard: {
        kind: 'model',
        provider: model.provider,
        context_window: model.contextWindow,
        max_output_tokens: model.maxOutputTokens,
        pricing_usd_per_million: {
          input: model.pricing.inputPerMillion,
          output: model.pricing.outputPerMillion,
        },
        // The config's one line on what the model is for, when it has one.
        ...(model.note === undefined ? {} : { note: model.note }),
      },
    })),
  ];
  const body = JSON.stringify({ object: 'list', data: entries });
  return async function listModels(_request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    return reply.type('application/json').send(body);
  };
}
