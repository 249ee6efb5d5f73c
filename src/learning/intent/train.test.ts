import { describe, expect, it } from 'vitest';
import { predictionMetrics } from './metrics.ts';
import { syntheticOutOfScope, syntheticRows, SYNTHETIC_KEYWORDS } from './testing.ts';
import { IntentTrainingError, trainIntentClassifier } from './train.ts';
import { OUT_OF_SCOPE_LABEL } from './training-data.ts';

const intents = Object.keys(SYNTHETIC_KEYWORDS);

describe('trainIntentClassifier', () => {
  it('learns a separable synthetic data set', () => {
    const classifier = trainIntentClassifier(syntheticRows(40, 1));
    const test = syntheticRows(25, 2);
    const metrics = predictionMetrics(
      test.map((row) => row.label),
      test.map((row) => classifier.classify(row.text).label),
    );
    expect(classifier.intents).toEqual(intents);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('trains from few-shot examples per intent', () => {
    const examples = Object.fromEntries(
      intents.map((intent) => [
        intent,
        syntheticRows(10, 3)
          .filter((row) => row.label === intent)
          .map((row) => row.text),
      ]),
    );
    const classifier = trainIntentClassifier(examples);
    expect(classifier.classify('what is the weather forecast').label).toBe('weather');
    expect(classifier.classify('play my playlist please').label).toBe('music');
    expect(classifier.classify('transfer money to my savings account').label).toBe('banking');
    expect(classifier.artifact.calibration.source).toBe('folds');
  });

  it('answers oos below the calibrated threshold', () => {
    const classifier = trainIntentClassifier(syntheticRows(30, 4));
    const outOfScope = syntheticOutOfScope(40, 5);
    const answers = outOfScope.map((row) => classifier.classify(row.text));
    const caught = answers.filter((answer) => answer.label === OUT_OF_SCOPE_LABEL);
    expect(classifier.threshold).toBeGreaterThan(0);
    expect(caught.length / answers.length).toBeGreaterThanOrEqual(0.8);
    for (const text of outOfScope.map((row) => row.text)) {
      const score = classifier.score(text);
      const answer = classifier.classify(text);
      if (score.probability < classifier.threshold) {
        expect(answer).toEqual({ label: OUT_OF_SCOPE_LABEL, confidence: 1 - score.probability });
      }
    }
    // In-scope texts stay in scope.
    const inScope = syntheticRows(10, 6).map((row) => classifier.classify(row.text).label);
    expect(inScope.filter((label) => label === OUT_OF_SCOPE_LABEL).length).toBeLessThanOrEqual(2);
  });

  it('learns an oos class from rows labelled oos, and calibrates on given rows', () => {
    const classifier = trainIntentClassifier([...syntheticRows(30, 7), ...syntheticOutOfScope(30, 8)], {
      calibration: [...syntheticRows(5, 9), ...syntheticOutOfScope(10, 10)],
      outOfScope: { threshold: 0 },
    });
    expect(classifier.artifact.labels).toEqual([...intents, OUT_OF_SCOPE_LABEL]);
    expect(classifier.intents).toEqual(intents);
    expect(classifier.artifact.calibration).toMatchObject({ source: 'rows', rows: 30, rule: 'fixed' });
    // With the threshold at 0 only the oos class can answer oos.
    const answers = syntheticOutOfScope(20, 11).map((row) => classifier.classify(row.text).label);
    expect(answers.filter((label) => label === OUT_OF_SCOPE_LABEL).length).toBeGreaterThanOrEqual(16);
  });

  it('picks the threshold that reaches an oos recall on held-out oos rows', () => {
    const classifier = trainIntentClassifier(syntheticRows(20, 12), {
      calibration: [...syntheticRows(5, 13), ...syntheticOutOfScope(20, 14)],
      outOfScope: { oosRecall: 0.9, rejectInScope: 0.01 },
    });
    expect(classifier.artifact.calibration.rule).toBe('oos-recall');
    expect(classifier.artifact.calibration.oos_recall).toBeGreaterThanOrEqual(0.9);
  });

  it('is deterministic for a seed', () => {
    const rows = syntheticRows(15, 15);
    expect(JSON.stringify(trainIntentClassifier(rows, { seed: 3 }).artifact)).toBe(
      JSON.stringify(trainIntentClassifier(rows, { seed: 3 }).artifact),
    );
  });

  it('refuses rows that cannot make a classifier', () => {
    expect(() => trainIntentClassifier({ weather: ['rain today', 'is it sunny'] })).toThrow(/only one label/);
    expect(() => trainIntentClassifier(syntheticOutOfScope(5, 16))).toThrow(IntentTrainingError);
    expect(() => trainIntentClassifier([])).toThrow(/no intents/);
    expect(() =>
      trainIntentClassifier(syntheticRows(5, 17), { calibration: [{ text: 'hello', label: 'greeting' }] }),
    ).toThrow(/calibration row 1 has label 'greeting'/);
  });
});
