/**
 * Seeded sample values that satisfy a JSON Schema: the subset tool parameters and structured outputs use
 * (type, properties, required, items, enum, const, anyOf/oneOf/allOf, local $ref, string formats, numeric
 * and length bounds). Every declared property is filled in, so strict schemas (all required) are met too.
 */

import { pick, randomInt, type Random } from './random.ts';
import type { SimJsonSchema } from './types.ts';
import { VALUE_WORDS } from './vocabulary.ts';

/** Deep `$ref` chains (recursive schemas) stop here with the simplest value the schema allows. */
const MAX_DEPTH = 8;

export function sampleFromSchema(schema: SimJsonSchema, random: Random): unknown {
  return sample(schema, schema, random, 0);
}

function isSchema(value: unknown): value is SimJsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveRef(root: SimJsonSchema, reference: string): SimJsonSchema {
  if (!reference.startsWith('#')) return {};
  let node: unknown = root;
  for (const segment of reference
    .slice(1)
    .split('/')
    .filter((part) => part.length > 0)) {
    const key = decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~');
    node = isSchema(node) ? node[key] : undefined;
  }
  return isSchema(node) ? node : {};
}

function mergeAllOf(schema: SimJsonSchema, parts: readonly unknown[]): SimJsonSchema {
  const properties: Record<string, unknown> = {};
  const required: unknown[] = [];
  let merged: Record<string, unknown> = { ...schema };
  delete merged.allOf;
  for (const part of parts) {
    if (!isSchema(part)) continue;
    merged = { ...merged, ...part };
    if (isSchema(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) required.push(...(part.required as unknown[]));
  }
  if (isSchema(schema.properties)) Object.assign(properties, schema.properties);
  if (Array.isArray(schema.required)) required.push(...(schema.required as unknown[]));
  return { ...merged, properties, required };
}

function chooseType(schema: SimJsonSchema): string {
  const declared = schema.type;
  if (typeof declared === 'string') return declared;
  if (Array.isArray(declared)) {
    const concrete: unknown = (declared as unknown[]).find((type) => type !== 'null');
    return typeof concrete === 'string' ? concrete : 'null';
  }
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

function sample(schema: SimJsonSchema, root: SimJsonSchema, random: Random, depth: number): unknown {
  if (typeof schema.$ref === 'string') {
    return depth >= MAX_DEPTH ? null : sample(resolveRef(root, schema.$ref), root, random, depth + 1);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pick(random, schema.enum as unknown[]);
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) {
    // Prefer a non-null variant so optional-by-union fields still carry a value.
    const concrete = variants.filter((variant) => isSchema(variant) && variant.type !== 'null');
    const chosen: unknown = pick(random, concrete.length > 0 ? concrete : variants);
    return isSchema(chosen) ? sample(chosen, root, random, depth + 1) : null;
  }
  if (Array.isArray(schema.allOf)) return sample(mergeAllOf(schema, schema.allOf), root, random, depth + 1);

  const type = chooseType(schema);
  switch (type) {
    case 'object':
      return sampleObject(schema, root, random, depth);
    case 'array':
      return sampleArray(schema, root, random, depth);
    case 'integer':
      return sampleInteger(schema, random);
    case 'number':
      return sampleNumber(schema, random);
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    default:
      return sampleString(schema, random);
  }
}

function sampleObject(schema: SimJsonSchema, root: SimJsonSchema, random: Random, depth: number): unknown {
  const result: Record<string, unknown> = {};
  const properties = isSchema(schema.properties) ? schema.properties : {};
  for (const [name, propertySchema] of Object.entries(properties)) {
    result[name] = isSchema(propertySchema) ? sample(propertySchema, root, random, depth + 1) : null;
  }
  // A required name without a property schema still needs a value.
  if (Array.isArray(schema.required)) {
    for (const name of schema.required as unknown[]) {
      if (typeof name === 'string' && !(name in result)) result[name] = pick(random, VALUE_WORDS);
    }
  }
  return result;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function sampleArray(schema: SimJsonSchema, root: SimJsonSchema, random: Random, depth: number): unknown {
  const minItems = numberOr(schema.minItems, depth >= MAX_DEPTH ? 0 : 1);
  const maxItems = Math.max(minItems, numberOr(schema.maxItems, Math.max(minItems, 3)));
  const count = depth >= MAX_DEPTH ? minItems : randomInt(random, minItems, Math.min(maxItems, minItems + 3));
  const itemSchema = isSchema(schema.items) ? schema.items : {};
  const items: unknown[] = [];
  for (let index = 0; index < count; index++) items.push(sample(itemSchema, root, random, depth + 1));
  if (schema.uniqueItems === true)
    return [...new Map(items.map((item) => [JSON.stringify(item), item])).values()];
  return items;
}

function numericBounds(schema: SimJsonSchema, step: number): { min: number; max: number } {
  let min = numberOr(schema.minimum, 0);
  let max = numberOr(schema.maximum, Math.max(min, 0) + 100);
  if (typeof schema.exclusiveMinimum === 'number') min = Math.max(min, schema.exclusiveMinimum + step);
  if (typeof schema.exclusiveMaximum === 'number') max = Math.min(max, schema.exclusiveMaximum - step);
  return { min, max: Math.max(min, max) };
}

function sampleInteger(schema: SimJsonSchema, random: Random): number {
  const { min, max } = numericBounds(schema, 1);
  const multiple = numberOr(schema.multipleOf, 1);
  const low = Math.ceil(min / multiple);
  const high = Math.floor(max / multiple);
  return (high >= low ? randomInt(random, low, high) : low) * multiple;
}

function sampleNumber(schema: SimJsonSchema, random: Random): number {
  if (typeof schema.multipleOf === 'number') return sampleInteger(schema, random);
  const { min, max } = numericBounds(schema, 0.01);
  const value = Math.round((min + random() * (max - min)) * 100) / 100;
  return Math.min(max, Math.max(min, value));
}

function sampleDate(random: Random): Date {
  // Somewhere in 2024, to the second.
  return new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 366 * 86_400) * 1000);
}

function sampleString(schema: SimJsonSchema, random: Random): string {
  const word = (): string => pick(random, VALUE_WORDS);
  let text: string;
  switch (schema.format) {
    case 'date-time':
      return sampleDate(random).toISOString().replace('.000Z', 'Z');
    case 'date':
      return sampleDate(random).toISOString().slice(0, 10);
    case 'time':
      return sampleDate(random).toISOString().slice(11, 19);
    case 'email':
      return `${word()}.${word()}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${word()}/${word()}`;
    case 'uuid': {
      const hex = (length: number): string =>
        Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
      return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    }
    default:
      text = randomInt(random, 1, 3) === 1 ? word() : `${word()} ${word()}`;
  }
  const minLength = numberOr(schema.minLength, 0);
  const maxLength = numberOr(schema.maxLength, Number.POSITIVE_INFINITY);
  while (text.length < minLength) text += ` ${word()}`;
  return text.length > maxLength ? text.slice(0, maxLength) : text;
}
