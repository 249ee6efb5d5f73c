import { describe, expect, it } from 'vitest';
import { assignFolds, chooseL2ByCrossValidation } from './cross-validate.ts';
import { InputError } from './input-error.ts';
import { predictMultiLinear } from './linear-model.ts';
import type { OutcomeRecord } from './outcomes.ts';
import { compileRouter, parseRouterArtifact, predictQualities } from './predict.ts';
import { routerFeatures } from './router-features.ts';
import {
  buildTrainingSet,
  DEFAULT_FIT,
  DEFAULT_ROUTER_FEATURES,
  fitTrainingSet,
  trainRouter,
  TrainingError,
} from './train.ts';

const CODE = [
  'write a python function that sorts a list',
  'fix this javascript bug in my loop',
  'implement a binary search in rust',
];
const STORY = [
  'tell me a bedtime story about a dragon',
  'write a poem about the autumn sea',
  'describe a sunset in a short tale',
];

/** `coder` solves code prompts, `chatter` stories; `coder` costs ten times more. */
function records(): OutcomeRecord[] {
  const rows: OutcomeRecord[] = [];
  for (let copy = 0; copy < 20; copy++) {
    for (const [index, prompt] of [...CODE, ...STORY].entries()) {
      const code = index < CODE.length;
      rows.push({
        id: `${copy}-${index}`,
        prompt: `${prompt} (variant ${copy})`,
        outcomes: {
          coder: { quality: code ? 1 : 0, cost: 0.01 },
          chatter: { quality: code ? 0 : 1, cost: 0.001 },
        },
      });
    }
  }
  return rows;
}

describe('trainRouter', () => {
  it('learns which model does well on which kind of prompt', () => {
    const router = compileRouter(trainRouter(records()));
    const code = predictQualities(router, 'write a python function to merge two lists');
    const story = predictQualities(router, 'tell me a story about a brave knight');
    expect(code.coder).toBeGreaterThan(0.6);
    expect(code.chatter).toBeLessThan(0.4);
    expect(story.chatter).toBeGreaterThan(0.6);
    expect(story.coder).toBeLessThan(0.4);
    expect(router.costs.chatter).toBeCloseTo(0.001, 12);
    expect(router.costs.coder).toBeCloseTo(0.01, 12);
  });

  it('is deterministic: the same data and options give the same artifact', () => {
    expect(JSON.stringify(trainRouter(records()))).toBe(JSON.stringify(trainRouter(records())));
  });

  it('predicts from the stored artifact what the fitted model predicts, within the int16 rounding', () => {
    const set = buildTrainingSet(records(), ['chatter', 'coder'], DEFAULT_ROUTER_FEATURES);
    const fitted = fitTrainingSet(set, DEFAULT_FIT);
    const router = compileRouter(
      parseRouterArtifact(JSON.parse(JSON.stringify(trainRouter(records()))), 'router.json'),
    );
    for (const prompt of ['implement quicksort in go', 'a haiku about rain', '']) {
      const direct = predictMultiLinear(fitted, routerFeatures(prompt, DEFAULT_ROUTER_FEATURES));
      const stored = predictQualities(router, prompt);
      expect(stored.chatter).toBeCloseTo(direct[0]!, 3);
      expect(stored.coder).toBeCloseTo(direct[1]!, 3);
    }
  });

  it('fits qualities outside [0, 1] (judge scores) by least squares', () => {
    const rows = records().map((record) => ({
      ...record,
      outcomes: { judge: { quality: record.outcomes.coder!.quality === 1 ? 9 : 3, cost: 0.01 } },
    }));
    const artifact = trainRouter(rows);
    expect(artifact.models[0]).toMatchObject({ id: 'judge', link: 'identity' });
    const router = compileRouter(artifact);
    expect(predictQualities(router, 'write a python function that sorts a list').judge).toBeGreaterThan(6);
    expect(predictQualities(router, 'tell me a bedtime story about a dragon').judge).toBeLessThan(6);
  });

  it('refuses models without outcomes', () => {
    expect(() => trainRouter(records(), { models: ['coder', 'nobody'] })).toThrow(TrainingError);
  });

  it('refuses an artifact built with other text features', () => {
    const artifact = JSON.parse(JSON.stringify(trainRouter(records()))) as {
      features: { text_features_version: number };
    };
    artifact.features.text_features_version = 999;
    expect(() => parseRouterArtifact(artifact, 'old.json')).toThrow(InputError);
    expect(() => parseRouterArtifact({ format: 'other' }, 'x.json')).toThrow(
      /x\.json: format: not a learned-router artifact/,
    );
  });
});

describe('cross-validation', () => {
  it('deals rows into folds of equal size, reproducibly', () => {
    const folds = assignFolds(10, 5, 3);
    expect([...folds].sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    expect(assignFolds(10, 5, 3)).toEqual(folds);
  });

  it('picks the L2 strength with the lowest out-of-fold loss from the grid', () => {
    const set = buildTrainingSet(records(), ['chatter', 'coder'], DEFAULT_ROUTER_FEATURES);
    const { best, trials } = chooseL2ByCrossValidation(set, { ...DEFAULT_FIT, epochs: 5 }, 3, [1e-3, 1]);
    expect(trials.map((trial) => trial.l2)).toEqual([1e-3, 1]);
    // A huge penalty cannot separate the two kinds of prompt.
    expect(best).toBe(1e-3);
    expect(trials[0]!.loss).toBeLessThan(trials[1]!.loss);
  });
});
