import { describe, expect, it } from 'vitest';
import {
  BENCH_FORMAT,
  BenchFileError,
  parseBenchFile,
  type BenchFile,
  type BenchTargetEntry,
} from './bench-json.ts';
import { catalogCharts, renderCatalogHtml, renderCatalogMarkdown } from './catalog-snapshot.ts';
import { costQualityChartSvg, latencyChartSvg, renderBarChartSvg } from './charts.ts';
import { renderBenchMarkdown, renderBenchTable } from './markdown-report.ts';

const NO_KIND = { checked: 0, correct: 0 };

function target(label: string, overrides: Partial<BenchTargetEntry> = {}): BenchTargetEntry {
  return {
    label,
    kind: 'model',
    name: label,
    route: null,
    models: [
      {
        id: label,
        provider: 'sim',
        contextWindow: 128_000,
        maxOutputTokens: 16_384,
        pricing: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
        note: `what ${label} is for`,
      },
    ],
    requests: 100,
    successes: 98,
    errors: 2,
    successRate: 0.98,
    errorRate: 0.02,
    errorsByCode: { content_filtered: 2 },
    latencyMs: { p50: 410, p95: 1_390, p99: 1_910, max: 2_000, mean: 580 },
    ttftMs: null,
    outputTokensPerSecond: { p50: 98.7, p95: 150, p99: 160, max: 170, mean: 92 },
    inputTokens: 4_000,
    outputTokens: 5_000,
    cost: {
      totalUsd: 0.0025,
      perRequestUsd: 0.000025,
      per1kRequestsUsd: 0.025,
      perSuccessUsd: 0.0000255,
      perCorrectUsd: 0.00004,
      unknownCount: 0,
    },
    correctness: {
      labelled: 80,
      checked: 78,
      correct: 39,
      rate: 0.5,
      byKind: {
        exact: { checked: 20, correct: 0 },
        regex: NO_KIND,
        json_schema: { checked: 58, correct: 39 },
        judge: NO_KIND,
      },
    },
    servedBy: { [label]: 98 },
    judge: null,
    ...overrides,
  };
}

function benchFixture(): BenchFile {
  return {
    format: BENCH_FORMAT,
    createdAt: '2025-06-01T12:00:00.000Z',
    settings: {
      data: 'examples/bench/prompts.jsonl',
      rows: 40,
      labelledRows: 32,
      targets: ['fast', 'strong', 'route:cheap-first'],
      concurrency: 32,
      requestsPerTarget: 100,
      durationSeconds: null,
      stream: true,
      judge: null,
      gateway: {
        mode: 'in-process',
        url: null,
        config: 'examples/bench/switchyard.yaml',
        configVersion: 'abc',
      },
    },
    machine: {
      cpus: 2,
      cpuModel: 'Test CPU',
      memoryGb: 8,
      platform: 'linux',
      arch: 'x64',
      nodeVersion: 'v24.0.0',
    },
    run: { wallSeconds: 10, requests: 300, requestsPerSecond: 30, interrupted: false },
    targets: [
      target('fast', { ttftMs: { p50: 150, p95: 400, p99: 500, max: 600, mean: 200 } }),
      target('strong', {
        models: [
          {
            id: 'strong',
            provider: 'sim-anthropic',
            contextWindow: 200_000,
            maxOutputTokens: null,
            pricing: { inputPerMillion: 2.5, outputPerMillion: 10 },
            note: null,
          },
        ],
        cost: {
          totalUsd: 0.066,
          perRequestUsd: 0.00066,
          per1kRequestsUsd: 0.66,
          perSuccessUsd: 0.00066,
          perCorrectUsd: 0.001,
          unknownCount: 0,
        },
        correctness: {
          labelled: 80,
          checked: 80,
          correct: 60,
          rate: 0.75,
          byKind: {
            exact: NO_KIND,
            regex: NO_KIND,
            json_schema: NO_KIND,
            judge: { checked: 80, correct: 60 },
          },
        },
        errorsByCode: {},
        errors: 0,
      }),
      target('route:cheap-first', {
        kind: 'route',
        name: 'cheap-first',
        route: { strategy: 'fallback', targets: ['fast', 'balanced'] },
        models: [
          {
            id: 'fast',
            provider: 'sim',
            contextWindow: 128_000,
            maxOutputTokens: null,
            pricing: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
            note: null,
          },
          {
            id: 'balanced',
            provider: 'sim',
            contextWindow: 128_000,
            maxOutputTokens: null,
            pricing: { inputPerMillion: 0.4, outputPerMillion: 1.6 },
            note: null,
          },
        ],
        servedBy: { fast: 96, balanced: 2 },
        correctness: {
          labelled: 0,
          checked: 0,
          correct: 0,
          rate: null,
          byKind: { exact: NO_KIND, regex: NO_KIND, json_schema: NO_KIND, judge: NO_KIND },
        },
      }),
    ],
    judge: null,
  };
}

describe('catalog snapshot', () => {
  it('lists each model with its note, window, price and measured figures in markdown', () => {
    const file = benchFixture();
    const charts = catalogCharts(file, 'catalog');
    expect(charts.map((chart) => chart.fileName)).toEqual([
      'catalog-latency.svg',
      'catalog-cost-quality.svg',
    ]);
    const page = renderCatalogMarkdown(file, charts);
    expect(page).toContain(
      '| fast | what fast is for | sim | 128k | 0.10 / 0.40 | 410 / 1,390 / 1,910 | 150 | 98.7 | 0.025 | 2.0% | 50.0% (39/78) |',
    );
    expect(page).toContain('| strong | — | sim-anthropic | 200k | 2.50 / 10.00 |');
    expect(page).toContain('route fallback fast → balanced (served: fast 98.0%, balanced 2.0%)');
    expect(page).toContain('| 128k | 0.10–0.40 / 0.40–1.60 |');
    expect(page).toContain('![Latency percentiles](catalog-latency.svg)');
    expect(page).toContain('![Cost and correctness](catalog-cost-quality.svg)');
    // Text columns left-aligned, figures right-aligned.
    expect(page).toContain('| :-- | :-- | :-- | --: | --: | --: | --: | --: | --: | --: | --: |');
  });

  it('inlines the charts in one HTML page, escaping text', () => {
    const file = benchFixture();
    file.targets[0]!.models[0] = { ...file.targets[0]!.models[0]!, note: 'a <b> & c' };
    const html = renderCatalogHtml(file, catalogCharts(file, 'catalog'));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('a &#60;b&#62; &#38; c');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('<td class="number">0.025</td>');
  });

  it('leaves out the cost–quality chart when no target has correctness', () => {
    const file = benchFixture();
    const unlabelled = file.targets.map((entry) => ({
      ...entry,
      correctness: { ...entry.correctness, rate: null },
    }));
    expect(costQualityChartSvg(unlabelled)).toBeUndefined();
    const page = renderCatalogMarkdown(
      { ...file, targets: unlabelled },
      catalogCharts({ ...file, targets: unlabelled }, 'c'),
    );
    expect(page).toContain('No cost–correctness chart');
  });
});

describe('charts', () => {
  it('draws one bar per percentile and target, scaled to the largest', () => {
    const svg = latencyChartSvg(benchFixture().targets);
    expect(svg.match(/<rect [^>]*fill="#(0072B2|E69F00|009E73)"><title>/g)).toHaveLength(9);
    expect(svg).toContain('<title>fast p99: 1910</title>');
    expect(svg).toContain('>route:cheap-first</text>');
  });

  it('skips missing values and keeps bars inside the plot', () => {
    const svg = renderBarChartSvg({
      title: 't',
      yLabel: 'y',
      series: ['a', 'b'],
      groups: [{ label: 'g', values: [100, undefined] }],
      height: 300,
    });
    const heights = [
      ...svg.matchAll(
        /<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="#0072B2"><title>/g,
      ),
    ];
    expect(heights).toHaveLength(1);
    // The bar ends on the plot's bottom edge (300 − 72 = 228).
    expect(Number(heights[0]![1]) + Number(heights[0]![2])).toBeCloseTo(228, 0);
  });

  it('places each target on the cost–correctness plot with its label', () => {
    const svg = costQualityChartSvg(benchFixture().targets) ?? '';
    expect(svg).toContain('>fast</text>');
    expect(svg).toContain('>strong</text>');
    expect(svg).not.toContain('>route:cheap-first</text>');
  });
});

describe('bench reports', () => {
  it('prints a table per target with errors by class', () => {
    const table = renderBenchTable(benchFixture());
    expect(table).toMatch(
      /^300 requests \(100 per target, concurrency 32, streamed\) in 10\.0 s, 30\.0 req\/s\n/,
    );
    expect(table).toMatch(/\nfast {2,}100 {2,}98\.0% {2,}410 {2,}1,390 {2,}1,910 {2,}150 {2,}400 /);
    expect(table).toContain('Errors by class:\n  fast: content_filtered 2\n');
  });

  it('writes a markdown report with every section', () => {
    const report = renderBenchMarkdown(benchFixture());
    for (const heading of [
      '## Summary',
      '## Latency (ms)',
      '## Time to first token (ms)',
      '## Cost (USD)',
      '## Errors by class',
      '## Correctness',
      '## Served by',
    ]) {
      expect(report).toContain(heading);
    }
    expect(report).toContain('| fast | 80 | 78 | 50.0% (39/78) | 0/20 | — | 39/58 | — |');
  });
});

describe('bench JSON', () => {
  it('reads back what is written, and names a wrong format or field', () => {
    const text = JSON.stringify(benchFixture());
    expect(parseBenchFile(text, 'b.json')).toEqual(benchFixture());
    expect(() => parseBenchFile('{"format": "other/1"}', 'b.json')).toThrow(
      'b.json: format is "other/1", expected "switchyard-bench/1"',
    );
    const broken = { ...benchFixture(), run: { ...benchFixture().run, requests: 'many' } };
    expect(() => parseBenchFile(JSON.stringify(broken), 'b.json')).toThrow(/^b\.json: run\.requests: /);
    expect(() => parseBenchFile('nope', 'b.json')).toThrow(BenchFileError);
  });
});
