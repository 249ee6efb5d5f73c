/**
 * `node bench/intent-inference.ts --model model.json --data rows.jsonl [--rounds 5]`: where an intent
 * classifier's time goes, stage by stage, over the texts of a JSONL file (`{"text": …}` per line):
 *
 * - features: `featurize` (tokens, hashed word and character n-grams, normalisation);
 * - SVM margins: the bucket lookups, the sparse rows, the dense rows (WebAssembly SIMD);
 * - hidden layer: the embedding rows and output weights (WebAssembly SIMD), on top of the margins;
 * - softmax: calibrated probabilities and the best intent.
 *
 * Each stage runs over all texts in turn (vectors computed once beforehand), `--rounds` times; the
 * median round is printed as microseconds per text. Train a model first, e.g. as bench/clinc150.ts does.
 */

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeArtifact, textFeaturesOf } from '../src/learning/intent/artifact.ts';
import { scoreMargins } from '../src/learning/intent/calibration.ts';
import { createMarginScorer } from '../src/learning/intent/quantised-model.ts';
import { featurize } from '../src/learning/text-features.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    rounds: { type: 'string', default: '5' },
  },
});
if (values.model === undefined || values.data === undefined) {
  process.stderr.write(
    'usage: node bench/intent-inference.ts --model model.json --data rows.jsonl [--rounds 5]\n',
  );
  process.exit(2);
}
const rounds = Number(values.rounds);

const { artifact, model, hiddenLayer } = decodeArtifact(
  JSON.parse(readFileSync(values.model, 'utf8')),
  values.model,
);
const options = textFeaturesOf(artifact);
const texts = readFileSync(values.data, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { text: string }).text);
const vectors = texts.map((text) => featurize(text, options));
const svmOnly = createMarginScorer(model);
const withHidden = createMarginScorer(model, hiddenLayer);
const margins = new Float64Array(model.classCount);
const work = new Float64Array(model.classCount);
const outOfScope = artifact.labels.indexOf('oos');

const stages: [string, () => void][] = [
  ['features', () => texts.forEach((text) => featurize(text, options))],
  ['SVM margins', () => vectors.forEach((vector) => svmOnly(vector, margins))],
  ['SVM margins + hidden layer', () => vectors.forEach((vector) => withHidden(vector, margins))],
  ['softmax', () => vectors.forEach(() => scoreMargins(margins, artifact.temperature, outOfScope, work))],
];

const timings = new Map<string, number[]>(stages.map(([name]) => [name, []]));
for (let round = 0; round <= rounds; round++) {
  for (const [name, run] of stages) {
    const started = performance.now();
    run();
    const micros = ((performance.now() - started) * 1000) / texts.length;
    if (round > 0) timings.get(name)?.push(micros); // round 0 warms up
  }
}

const median = (list: number[]): number =>
  [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? NaN;
const seen = vectors.reduce((sum, vector) => sum + vector.indices.length, 0) / vectors.length;
process.stdout.write(
  `${texts.length} texts, ${seen.toFixed(0)} buckets each on average, ${model.classCount} classes, ` +
    `${hiddenLayer === undefined ? 'no hidden layer' : `${hiddenLayer.units} hidden units`}; Node ${process.version}\n\n`,
);
process.stdout.write('| stage | µs per text (median of rounds) |\n| --- | ---: |\n');
for (const [name] of stages)
  process.stdout.write(`| ${name} | ${median(timings.get(name) ?? []).toFixed(1)} |\n`);
