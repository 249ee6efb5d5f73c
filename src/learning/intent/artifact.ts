/**
 * The intent classifier's artifact: one versioned JSON file with everything needed to classify — the
 * text-feature options it was trained with, the class labels, the calibration (temperature and
 * threshold, with what they were fitted on), and the quantised weights. Integer arrays are LEB128
 * varints (sorted ones as deltas), int8 weights raw bytes, both base64: the CLINC150 model is ~2 MB.
 */

import { z } from 'zod';
import { TEXT_FEATURES_VERSION, type TextFeatureOptions } from '../text-features.ts';
import type { HiddenLayer } from './hidden-layer.ts';
import type { QuantisedModel } from './quantised-model.ts';
import { IntentInputError } from './training-data.ts';

export const INTENT_ARTIFACT_FORMAT = 'switchyard-intent-classifier';
/** 2 added `hidden_layer`; version 1 files are read as having none. */
export const INTENT_ARTIFACT_VERSION = 2;

const textFeatures = z.object({
  version: z.number().int(),
  hashBits: z.number().int().min(4).max(30),
  wordNgrams: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  charNgrams: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
  charWeight: z.number().nonnegative(),
});

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const intentArtifactSchema = z.object({
  format: z.literal(INTENT_ARTIFACT_FORMAT),
  version: z.union([z.literal(1), z.literal(INTENT_ARTIFACT_VERSION)]),
  text_features: textFeatures,
  /** Class labels in weight order; includes `oos` when the training rows had out-of-scope examples. */
  labels: z.array(z.string().min(1)).min(1),
  temperature: z.number().positive(),
  threshold: z.number().min(0).max(1),
  calibration: z.object({
    /** `folds` (training rows held back in turn) or `rows` (separate calibration rows). */
    source: z.enum(['folds', 'rows']),
    rows: z.number().int().nonnegative(),
    rule: z.enum(['reject-in-scope', 'oos-recall', 'fixed']),
    /** The policy's targets (null where the policy has none). */
    reject_in_scope: z.number().min(0).max(1).nullable(),
    oos_recall_target: z.number().min(0).max(1).nullable(),
    /** What the chosen threshold did on the calibration rows (null without such rows). */
    in_scope_rejection: z.number().min(0).max(1).nullable(),
    oos_recall: z.number().min(0).max(1).nullable(),
  }),
  training: z.object({
    rows: z.number().int().positive(),
    cost: z.number().positive(),
    seed: z.number().int(),
  }),
  weights: z.object({
    rows: z.number().int().nonnegative(),
    entries: z.number().int().nonnegative(),
    scale: z.number().positive(),
    biases: z.array(z.number()),
    document_count: z.number().int().positive(),
    buckets: base64,
    document_frequency: base64,
    row_lengths: base64,
    entry_classes: base64,
    entry_values: base64,
  }),
  /** The small network whose logits are added to the margins (absent: none). */
  hidden_layer: z
    .object({
      units: z.number().int().positive(),
      weight: z.number(),
      embedding_scale: z.number().positive(),
      /** int8, `weights.rows × units`, row-major. */
      embedding: base64,
      hidden_biases: z.array(z.number()),
      output_scale: z.number().positive(),
      /** int8, `units × labels`, row-major. */
      output: base64,
      output_biases: z.array(z.number()),
    })
    .optional(),
});

export type IntentClassifierArtifact = z.infer<typeof intentArtifactSchema>;
export type ArtifactCalibration = IntentClassifierArtifact['calibration'];

export function textFeaturesOf(artifact: IntentClassifierArtifact): TextFeatureOptions {
  const { hashBits, wordNgrams, charNgrams, charWeight } = artifact.text_features;
  return { hashBits, wordNgrams, charNgrams, charWeight };
}

export function encodeWeights(model: QuantisedModel): IntentClassifierArtifact['weights'] {
  const rows = model.buckets.length;
  const rowLengths = new Uint32Array(rows);
  const classDeltas = new Uint32Array(model.entryClasses.length);
  for (let row = 0; row < rows; row++) {
    const start = model.rowStarts[row] ?? 0;
    const end = model.rowStarts[row + 1] ?? 0;
    rowLengths[row] = end - start;
    for (let position = start; position < end; position++) {
      const previous = position === start ? 0 : (model.entryClasses[position - 1] ?? 0);
      classDeltas[position] = (model.entryClasses[position] ?? 0) - previous;
    }
  }
  return {
    rows,
    entries: model.entryValues.length,
    scale: model.scale,
    biases: Array.from(model.biases),
    document_count: model.documentCount,
    buckets: encodeVarints(deltas(model.buckets)),
    document_frequency: encodeVarints(model.documentFrequency),
    row_lengths: encodeVarints(rowLengths),
    entry_classes: encodeVarints(classDeltas),
    entry_values: Buffer.from(
      model.entryValues.buffer,
      model.entryValues.byteOffset,
      model.entryValues.length,
    ).toString('base64'),
  };
}

/** The hidden layer as stored: its int8 matrices in base64, like the SVM's weights. */
export function encodeHiddenLayer(layer: HiddenLayer): NonNullable<IntentClassifierArtifact['hidden_layer']> {
  const bytes = (values: Int8Array): string =>
    Buffer.from(values.buffer, values.byteOffset, values.length).toString('base64');
  return {
    units: layer.units,
    weight: layer.weight,
    embedding_scale: layer.embeddingScale,
    embedding: bytes(layer.embedding),
    hidden_biases: Array.from(layer.hiddenBiases),
    output_scale: layer.outputScale,
    output: bytes(layer.output),
    output_biases: Array.from(layer.outputBiases),
  };
}

/** Checks an artifact's shape and decodes its weights; every problem names the file and the field. */
export function decodeArtifact(
  json: unknown,
  source: string,
): { artifact: IntentClassifierArtifact; model: QuantisedModel; hiddenLayer?: HiddenLayer } {
  const parsed = intentArtifactSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? undefined : issue.path.join('.');
    const hint =
      field === 'format'
        ? ` (not a Switchyard intent classifier; expected format '${INTENT_ARTIFACT_FORMAT}')`
        : '';
    throw new IntentInputError(
      source,
      `${issue?.message ?? 'invalid artifact'}${hint}`,
      optionalField(field),
    );
  }
  const artifact = parsed.data;
  if (artifact.text_features.version !== TEXT_FEATURES_VERSION) {
    throw new IntentInputError(
      source,
      `trained with text features version ${artifact.text_features.version}, this build computes version ${TEXT_FEATURES_VERSION}: train the model again`,
      { field: 'text_features.version' },
    );
  }
  const weights = artifact.weights;
  const classCount = artifact.labels.length;
  const fail = (field: string, problem: string): never => {
    throw new IntentInputError(source, problem, { field: `weights.${field}` });
  };
  if (weights.biases.length !== classCount) fail('biases', `expected ${classCount} biases, one per label`);
  const buckets = undelta(decodeVarints(weights.buckets, weights.rows, () => fail('buckets', 'malformed')));
  const largestBucket = 2 ** artifact.text_features.hashBits;
  for (let row = 0; row < buckets.length; row++) {
    if ((buckets[row] ?? 0) >= largestBucket || (row > 0 && buckets[row] === buckets[row - 1])) {
      fail('buckets', 'buckets must be distinct and below 2^hashBits');
    }
  }
  const documentFrequency = decodeVarints(weights.document_frequency, weights.rows, () =>
    fail('document_frequency', 'malformed'),
  );
  const rowLengths = decodeVarints(weights.row_lengths, weights.rows, () => fail('row_lengths', 'malformed'));
  const rowStarts = new Uint32Array(weights.rows + 1);
  for (let row = 0; row < weights.rows; row++)
    rowStarts[row + 1] = (rowStarts[row] ?? 0) + (rowLengths[row] ?? 0);
  if (rowStarts[weights.rows] !== weights.entries)
    fail('row_lengths', `row lengths do not add up to ${weights.entries}`);
  const classDeltas = decodeVarints(weights.entry_classes, weights.entries, () =>
    fail('entry_classes', 'malformed'),
  );
  const entryClasses = new Uint16Array(weights.entries);
  for (let row = 0; row < weights.rows; row++) {
    let target = 0;
    for (let position = rowStarts[row] ?? 0; position < (rowStarts[row + 1] ?? 0); position++) {
      target += classDeltas[position] ?? 0;
      if (target >= classCount) fail('entry_classes', `class index ${target} is not below ${classCount}`);
      entryClasses[position] = target;
    }
  }
  const valueBytes = Buffer.from(weights.entry_values, 'base64');
  if (valueBytes.length !== weights.entries) fail('entry_values', `expected ${weights.entries} bytes`);
  const entryValues = new Int8Array(
    valueBytes.buffer.slice(valueBytes.byteOffset, valueBytes.byteOffset + valueBytes.length),
  );
  const model: QuantisedModel = {
    buckets,
    documentFrequency,
    documentCount: weights.document_count,
    rowStarts,
    entryClasses,
    entryValues,
    scale: weights.scale,
    biases: Float32Array.from(weights.biases),
    classCount,
  };
  const hiddenLayer =
    artifact.hidden_layer === undefined
      ? undefined
      : decodeHiddenLayer(artifact.hidden_layer, weights.rows, classCount, (field, problem) => {
          throw new IntentInputError(source, problem, { field: `hidden_layer.${field}` });
        });
  return hiddenLayer === undefined ? { artifact, model } : { artifact, model, hiddenLayer };
}

function decodeHiddenLayer(
  stored: NonNullable<IntentClassifierArtifact['hidden_layer']>,
  rows: number,
  classCount: number,
  fail: (field: string, problem: string) => never,
): HiddenLayer {
  const { units } = stored;
  const int8 = (field: 'embedding' | 'output', length: number): Int8Array => {
    const bytes = Buffer.from(stored[field], 'base64');
    if (bytes.length !== length) fail(field, `expected ${length} bytes`);
    return new Int8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  };
  if (stored.hidden_biases.length !== units) fail('hidden_biases', `expected ${units} biases`);
  if (stored.output_biases.length !== classCount) fail('output_biases', `expected ${classCount} biases`);
  return {
    units,
    classCount,
    weight: stored.weight,
    embedding: int8('embedding', rows * units),
    embeddingScale: stored.embedding_scale,
    hiddenBiases: Float32Array.from(stored.hidden_biases),
    output: int8('output', units * classCount),
    outputScale: stored.output_scale,
    outputBiases: Float32Array.from(stored.output_biases),
  };
}

function optionalField(field: string | undefined): { field?: string } {
  return field === undefined ? {} : { field };
}

function deltas(sorted: Uint32Array): Uint32Array {
  return sorted.map((value, index) => (index === 0 ? value : value - (sorted[index - 1] ?? 0)));
}

function undelta(values: Uint32Array): Uint32Array {
  for (let index = 1; index < values.length; index++)
    values[index] = (values[index] ?? 0) + (values[index - 1] ?? 0);
  return values;
}

/** Unsigned LEB128: seven bits a byte, low first, the high bit set on every byte but a number's last. */
export function encodeVarints(values: ArrayLike<number>): string {
  const bytes: number[] = [];
  for (let index = 0; index < values.length; index++) {
    let value = values[index] ?? 0;
    while (value >= 0x80) {
      bytes.push((value & 0x7f) | 0x80);
      value = Math.floor(value / 128);
    }
    bytes.push(value);
  }
  return Buffer.from(bytes).toString('base64');
}

/** Exactly `count` varints, or `malformed()` (which throws) if the bytes hold more, fewer or a broken one. */
export function decodeVarints(text: string, count: number, malformed: () => never): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  const values = new Uint32Array(count);
  let position = 0;
  for (let index = 0; index < count; index++) {
    let value = 0;
    let factor = 1;
    for (;;) {
      if (position >= bytes.length || factor > 2 ** 28) malformed();
      const byte = bytes[position++] ?? 0;
      value += (byte & 0x7f) * factor;
      if (byte < 0x80) break;
      factor *= 128;
    }
    if (value > 0xffffffff) malformed();
    values[index] = value;
  }
  if (position !== bytes.length) malformed();
  return values;
}
