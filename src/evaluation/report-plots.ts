/** The plots `switchyard router eval --plot` writes: the learned router's curve with every reference drawn. */

import type { MultiModelEvaluation, StrongWeakEvaluation } from './evaluate-router.ts';
import { renderPlotSvg, type PlotSeries } from './svg-plot.ts';

const COLORS = {
  router: '#1f77b4',
  routerPoints: '#9ecae1',
  zero: '#7f7f7f',
  oracle: '#2ca02c',
  random: '#d62728',
  models: '#ff7f0e',
  strong: '#9467bd',
  weak: '#8c564b',
};

/** Quality against cost per query (log scale): router points and hull, zero router, oracle, models, random. */
export function plotMultiModel(
  evaluation: MultiModelEvaluation,
  title = 'Learned router: quality vs cost',
  extraSeries: readonly PlotSeries[] = [],
): string {
  const { references } = evaluation;
  const series: PlotSeries[] = [
    {
      name: `learned router, hull (AIQ ${evaluation.aiq.toFixed(3)})`,
      points: toPlot(evaluation.hull),
      color: COLORS.router,
      line: true,
      marker: 'none',
    },
    {
      name: 'learned router, λ sweep',
      points: toPlot(evaluation.points),
      color: COLORS.routerPoints,
      marker: 'circle',
    },
    {
      name: `zero router (AIQ ${references.zero_router.aiq.toFixed(3)})`,
      points: toPlot(references.zero_router.hull),
      color: COLORS.zero,
      line: true,
      dashed: true,
    },
    {
      name: `oracle (AIQ ${references.oracle.aiq.toFixed(3)})`,
      points: toPlot(references.oracle.curve),
      color: COLORS.oracle,
      line: true,
      dashed: true,
    },
    {
      name: 'oracle, best per prompt',
      points: [{ x: references.oracle.cost, y: references.oracle.quality }],
      color: COLORS.oracle,
      marker: 'diamond',
    },
    {
      name: 'single models',
      points: references.models.map((point) => ({
        x: point.cost,
        y: point.quality,
        label: shortName(point.model),
      })),
      color: COLORS.models,
      marker: 'square',
    },
    {
      name: 'random router',
      points: [{ x: references.random.cost, y: references.random.quality }],
      color: COLORS.random,
      marker: 'cross',
    },
    ...extraSeries,
  ];
  return renderPlotSvg({
    title,
    xLabel: 'mean cost per query (USD, log scale)',
    yLabel: 'mean quality',
    series,
    logX: true,
    formatX: (value) => `$${Number(value.toPrecision(3))}`,
  });
}

/** Quality against the share of calls sent to the strong model, RouteLLM style. */
export function plotStrongWeak(evaluation: StrongWeakEvaluation, title?: string): string {
  const { references } = evaluation;
  const share = (points: StrongWeakEvaluation['curve']) =>
    points.map((point) => ({ x: 100 * point.share, y: point.quality }));
  const flat = (quality: number) => [
    { x: 0, y: quality },
    { x: 100, y: quality },
  ];
  return renderPlotSvg({
    title:
      title ?? `${shortName(evaluation.strong)} vs ${shortName(evaluation.weak)}: quality vs strong calls`,
    xLabel: 'calls to the strong model (%)',
    yLabel: 'mean quality',
    series: [
      {
        name: `learned router (APGR ${evaluation.apgr.toFixed(3)})`,
        points: share(evaluation.curve),
        color: COLORS.router,
        line: true,
      },
      {
        name: `learned router, APGR grid`,
        points: share(evaluation.points),
        color: COLORS.router,
        marker: 'circle',
      },
      {
        name: `random (APGR ${references.random.apgr.toFixed(3)})`,
        points: share(references.random.curve),
        color: COLORS.random,
        line: true,
        dashed: true,
      },
      {
        name: `oracle (APGR ${references.oracle.apgr.toFixed(3)})`,
        points: share(references.oracle.curve),
        color: COLORS.oracle,
        line: true,
        dashed: true,
      },
      {
        name: `strong: ${shortName(evaluation.strong)}`,
        points: flat(references.strong.quality),
        color: COLORS.strong,
        line: true,
        dashed: true,
      },
      {
        name: `weak: ${shortName(evaluation.weak)}`,
        points: flat(references.weak.quality),
        color: COLORS.weak,
        line: true,
        dashed: true,
      },
    ],
  });
}

function toPlot(points: readonly { readonly cost: number; readonly quality: number }[]) {
  return points.map((point) => ({ x: point.cost, y: point.quality }));
}

/** `mistralai/mixtral-8x7b-chat` → `mixtral-8x7b-chat`: the vendor prefix only crowds the plot. */
export function shortName(model: string): string {
  return model.slice(model.lastIndexOf('/') + 1);
}
