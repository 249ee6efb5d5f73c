import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeVarints, encodeVarints } from './artifact.ts';
import { intentClassifierFromArtifact, loadIntentClassifier, saveIntentClassifier } from './classifier.ts';
import { syntheticOutOfScope, syntheticRows } from './testing.ts';
import { trainIntentClassifier } from './train.ts';
import { IntentInputError } from './training-data.ts';

const directory = mkdtempSync(join(tmpdir(), 'intent-artifact-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const classifier = trainIntentClassifier([...syntheticRows(20, 1), ...syntheticOutOfScope(10, 2)]);

describe('intent classifier artifact', () => {
  it('round-trips: save → load gives the same predictions', async () => {
    const path = join(directory, 'model.json');
    const bytes = await saveIntentClassifier(classifier, path);
    const loaded = await loadIntentClassifier(path);
    expect(bytes).toBeGreaterThan(0);
    expect(loaded.threshold).toBe(classifier.threshold);
    for (const row of [...syntheticRows(5, 3), ...syntheticOutOfScope(5, 4)]) {
      expect(loaded.classify(row.text)).toEqual(classifier.classify(row.text));
    }
  });

  it('stores only the non-zero weights', () => {
    const { weights, labels } = classifier.artifact;
    expect(weights.entries).toBeGreaterThan(0);
    expect(weights.entries).toBeLessThan(weights.rows * labels.length);
  });

  it('names the field of a broken artifact', () => {
    const artifact = classifier.artifact;
    const broken = (change: Record<string, unknown>): unknown => ({ ...artifact, ...change });
    expect(() => intentClassifierFromArtifact(broken({ format: 'other' }), 'model.json')).toThrow(
      /model.json: field 'format'.*not a Switchyard intent classifier/,
    );
    expect(() => intentClassifierFromArtifact(broken({ threshold: 2 }), 'model.json')).toThrow(
      /field 'threshold'/,
    );
    expect(() =>
      intentClassifierFromArtifact(
        broken({ text_features: { ...artifact.text_features, version: 999 } }),
        'model.json',
      ),
    ).toThrow(/text features version 999.*train the model again/);
    expect(() =>
      intentClassifierFromArtifact(
        broken({ weights: { ...artifact.weights, entry_values: 'AAAA' } }),
        'model.json',
      ),
    ).toThrow(/field 'weights.entry_values'/);
    expect(() =>
      intentClassifierFromArtifact(broken({ weights: { ...artifact.weights, biases: [0] } }), 'model.json'),
    ).toThrow(/field 'weights.biases'/);
  });

  it('stores the hidden layer, and names a broken one', () => {
    const artifact = classifier.artifact;
    expect(artifact.version).toBe(2);
    expect(artifact.hidden_layer?.units).toBeGreaterThan(0);
    const hidden = artifact.hidden_layer;
    expect(() =>
      intentClassifierFromArtifact(
        { ...artifact, hidden_layer: { ...hidden, output: 'AAAA' } },
        'model.json',
      ),
    ).toThrow(/field 'hidden_layer.output'/);
  });

  it('reads version 1 artifacts (no hidden layer): the linear model alone', () => {
    const { hidden_layer: _hidden, ...rest } = classifier.artifact;
    const old = intentClassifierFromArtifact({ ...rest, version: 1 }, 'old.json');
    const texts = [...syntheticRows(5, 3), ...syntheticOutOfScope(5, 4)].map((row) => row.text);
    expect(texts.some((text) => old.score(text).probability !== classifier.score(text).probability)).toBe(
      true,
    );
    for (const text of texts) expect(old.classify(text).label).toBe(classifier.classify(text).label);
  });

  it('reports a file that is not JSON or not there', async () => {
    const path = join(directory, 'not-json.json');
    writeFileSync(path, '{"format": ');
    await expect(loadIntentClassifier(path)).rejects.toThrow(/not-json.json: not valid JSON/);
    await expect(loadIntentClassifier(join(directory, 'missing.json'))).rejects.toThrow(IntentInputError);
  });

  it('encodes varints and refuses malformed ones', () => {
    const values = [0, 1, 127, 128, 300, 2 ** 21, 2 ** 32 - 1];
    const malformed = (): never => {
      throw new Error('malformed');
    };
    expect(Array.from(decodeVarints(encodeVarints(values), values.length, malformed))).toEqual(values);
    expect(() => decodeVarints(encodeVarints(values), values.length + 1, malformed)).toThrow('malformed');
    expect(() => decodeVarints(encodeVarints(values), values.length - 1, malformed)).toThrow('malformed');
  });
});
