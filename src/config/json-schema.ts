import { z } from 'zod';
import { configDocumentSchema } from './schema.ts';

/**
 * The JSON Schema of switchyard.yaml, generated from the zod schema so the two cannot drift. Draft-07,
 * the dialect YAML editors (yaml-language-server) support best; `input` mode, so keys with defaults are
 * optional, as they are to someone writing the file.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configDocumentSchema, { target: 'draft-07', io: 'input' }),
    title: 'Switchyard configuration',
  };
}
