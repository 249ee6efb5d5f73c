/**
 * K-fold cross-validation on the training rows only: every row is predicted by a model that never saw
 * it, so hyper-parameters are chosen without touching a test set. Folds are drawn by a seeded shuffle.
 */

import { predictMultiLinear, seededRandom, type LinearFitOptions } from './linear-model.ts';
import { chooseLinks, fitTrainingSet, type TrainingSet } from './train.ts';

/** Fold number of each row: a seeded shuffle dealt round-robin, so folds differ in size by at most one. */
export function assignFolds(rows: number, folds: number, seed: number): Uint8Array {
  if (!Number.isInteger(folds) || folds < 2 || folds > 255)
    throw new RangeError('folds must be an integer 2–255');
  const order = Array.from({ length: rows }, (_, row) => row);
  const random = seededRandom(seed);
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  const assignment = new Uint8Array(rows);
  for (const [position, row] of order.entries()) assignment[row] = position % folds;
  return assignment;
}

/** `rows × models` predictions, each row from the model trained on the other folds. */
export function outOfFoldPredictions(
  set: TrainingSet,
  fit: LinearFitOptions,
  folds: number,
  seed = 1,
): Float64Array {
  const width = set.models.length;
  const assignment = assignFolds(set.vectors.length, folds, seed);
  const predictions = new Float64Array(set.vectors.length * width);
  const buffer = new Float64Array(width);
  for (let fold = 0; fold < folds; fold++) {
    const trainingRows: number[] = [];
    const heldOut: number[] = [];
    for (let row = 0; row < assignment.length; row++)
      (assignment[row] === fold ? heldOut : trainingRows).push(row);
    const model = fitTrainingSet(set, fit, trainingRows);
    for (const row of heldOut) {
      predictMultiLinear(model, set.vectors[row]!, buffer);
      predictions.set(buffer, row * width);
    }
  }
  return predictions;
}

/** Mean log-loss (logistic outputs) or squared error (identity outputs) of predictions against the set. */
export function predictionLoss(
  set: TrainingSet,
  predictions: Float64Array,
  logistic: readonly boolean[],
): number {
  const width = set.models.length;
  let total = 0;
  let count = 0;
  for (let index = 0; index < set.qualities.length; index++) {
    const quality = set.qualities[index]!;
    if (Number.isNaN(quality)) continue;
    const predicted = predictions[index]!;
    if (logistic[index % width] === true) {
      const clamped = Math.min(Math.max(predicted, 1e-6), 1 - 1e-6);
      total -= quality * Math.log(clamped) + (1 - quality) * Math.log(1 - clamped);
    } else total += (predicted - quality) ** 2;
    count++;
  }
  return count === 0 ? Number.NaN : total / count;
}

export interface RegularisationTrial {
  readonly l2: number;
  /** Mean out-of-fold log-loss (or squared error for non-[0, 1] qualities). */
  readonly loss: number;
}

/** L2 strengths tried by `--cv`: half-decade steps around the default. */
export const L2_GRID: readonly number[] = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2];

/** Tries each L2 strength by k-fold cross-validation; the lowest out-of-fold loss wins (ties: stronger). */
export function chooseL2ByCrossValidation(
  set: TrainingSet,
  fit: LinearFitOptions,
  folds: number,
  grid: readonly number[] = L2_GRID,
): { readonly best: number; readonly trials: readonly RegularisationTrial[] } {
  const logistic = chooseLinks(set).map((link) => link === 'logistic');
  const trials = grid.map((l2) => ({
    l2,
    loss: predictionLoss(set, outOfFoldPredictions(set, { ...fit, l2 }, folds, fit.seed), logistic),
  }));
  let best = trials[0]!;
  for (const trial of trials)
    if (trial.loss < best.loss || (trial.loss === best.loss && trial.l2 > best.l2)) best = trial;
  return { best: best.l2, trials };
}
