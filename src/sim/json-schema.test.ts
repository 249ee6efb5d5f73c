import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sampleFromSchema } from './json-schema.ts';
import { createRandom } from './random.ts';

const schemas: Record<string, Record<string, unknown>> = {
  'nested objects with every type': {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 20, maxLength: 40 },
      age: { type: 'integer', minimum: 18, maximum: 21 },
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      active: { type: 'boolean' },
      nothing: { type: 'null' },
      address: {
        type: 'object',
        properties: { street: { type: 'string' }, zip: { type: 'string', maxLength: 5 } },
        required: ['street', 'zip'],
        additionalProperties: false,
      },
    },
    required: ['name', 'age', 'ratio', 'active', 'nothing', 'address'],
    additionalProperties: false,
  },
  'arrays with bounds and enums': {
    type: 'object',
    properties: {
      colours: { type: 'array', items: { enum: ['red', 'green', 'blue'] }, minItems: 2, maxItems: 2 },
      scores: {
        type: 'array',
        items: { type: 'integer', multipleOf: 5, minimum: 10, maximum: 30 },
        minItems: 4,
      },
      fixed: { const: 'v1' },
    },
    required: ['colours', 'scores', 'fixed'],
  },
  'string formats': {
    type: 'object',
    properties: {
      when: { type: 'string', format: 'date-time' },
      day: { type: 'string', format: 'date' },
      mail: { type: 'string', format: 'email' },
      link: { type: 'string', format: 'uri' },
      id: { type: 'string', format: 'uuid' },
    },
    required: ['when', 'day', 'mail', 'link', 'id'],
  },
  'references, unions and nullable types': {
    type: 'object',
    properties: {
      owner: { $ref: '#/$defs/person' },
      reviewers: { type: 'array', items: { $ref: '#/$defs/person' } },
      note: { type: ['string', 'null'] },
      value: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 3, maximum: 3 }] },
      merged: {
        allOf: [
          { properties: { a: { type: 'string' } }, required: ['a'] },
          { properties: { b: { type: 'integer' } }, required: ['b'] },
        ],
      },
    },
    required: ['owner', 'reviewers', 'note', 'value', 'merged'],
    $defs: {
      person: {
        type: 'object',
        properties: { handle: { type: 'string' }, level: { enum: [1, 2, 3] } },
        required: ['handle', 'level'],
      },
    },
  },
};

describe('sampleFromSchema', () => {
  for (const [title, schema] of Object.entries(schemas)) {
    it(`produces values that satisfy ${title}`, () => {
      const validator = z.fromJSONSchema(schema);
      for (let seed = 0; seed < 50; seed++) {
        const value = sampleFromSchema(schema, createRandom(seed));
        const result = validator.safeParse(value);
        expect(result.error?.issues ?? [], JSON.stringify(value)).toEqual([]);
      }
    });
  }

  it('is deterministic per seed', () => {
    const schema = schemas['nested objects with every type'] ?? {};
    expect(sampleFromSchema(schema, createRandom(4))).toEqual(sampleFromSchema(schema, createRandom(4)));
    expect(sampleFromSchema(schema, createRandom(4))).not.toEqual(sampleFromSchema(schema, createRandom(5)));
  });

  it('terminates on a recursive schema', () => {
    const tree = {
      $ref: '#/$defs/node',
      $defs: {
        node: {
          type: 'object',
          properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } },
        },
      },
    };
    expect(() => JSON.stringify(sampleFromSchema(tree, createRandom(1)))).not.toThrow();
  });
});
