import { describe, expect, it } from 'vitest';
import { ExpositionError, histogramSeries, parsePrometheusText } from './prometheus-text.ts';

const HISTOGRAM = [
  '# HELP h_seconds A histogram.',
  '# TYPE h_seconds histogram',
  'h_seconds_bucket{le="0.1",route="a"} 1',
  'h_seconds_bucket{le="1",route="a"} 3',
  'h_seconds_bucket{le="+Inf",route="a"} 4',
  'h_seconds_sum{route="a"} 7.5',
  'h_seconds_count{route="a"} 4',
];
const text = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('the Prometheus text parser', () => {
  it('reads families, HELP with escapes, labels with escapes, special values and timestamps', () => {
    const families = parsePrometheusText(
      text(
        '# HELP c_total Line one\\nback\\\\slash.',
        '# TYPE c_total counter',
        'c_total{path="a\\"b\\\\c\\nd",code="200",} 3 1700000000000',
        '# a plain comment',
        '',
        '# TYPE g gauge',
        'g NaN',
        'g{x="1"} -Inf',
        'untyped_one 1e-3',
        ...HISTOGRAM,
      ),
    );
    expect([...families.keys()]).toEqual(['c_total', 'g', 'untyped_one', 'h_seconds']);
    const counter = families.get('c_total');
    expect(counter?.help).toBe('Line one\nback\\slash.');
    expect(counter?.samples).toEqual([
      { name: 'c_total', labels: { path: 'a"b\\c\nd', code: '200' }, value: 3 },
    ]);
    expect(families.get('g')?.samples.map((sample) => sample.value)).toEqual([NaN, -Infinity]);
    expect(families.get('untyped_one')).toMatchObject({ type: 'untyped', help: undefined });
    const [series] = histogramSeries(families.get('h_seconds')!);
    expect(series).toEqual({
      labels: { route: 'a' },
      buckets: [
        { le: 0.1, count: 1 },
        { le: 1, count: 3 },
        { le: Infinity, count: 4 },
      ],
      sum: 7.5,
      count: 4,
    });
  });

  it.each([
    ['no final newline', 'a 1'],
    ['a second TYPE', text('# TYPE a counter', '# TYPE a counter', 'a 1')],
    ['a second HELP', text('# HELP a x', '# HELP a y', 'a 1')],
    ['TYPE after samples', text('a 1', '# TYPE a counter')],
    ['an unknown type', text('# TYPE a timer', 'a 1')],
    ['a split family', text('a 1', 'b 1', 'a{x="1"} 2')],
    ['a repeated series', text('a{x="1",y="2"} 1', 'a{y="2",x="1"} 2')],
    ['a repeated label', text('a{x="1",x="2"} 1')],
    ['a bad label escape', text('a{x="\\t"} 1')],
    ['an unterminated label value', text('a{x="1} 1')],
    ['a bad HELP escape', text('# HELP a bad \\t escape', 'a 1')],
    ['a bad number', text('a 1,5')],
    ['a missing value', text('a{x="1"}')],
    ['a negative counter', text('# TYPE a_total counter', 'a_total -1')],
    ['a bad metric name', text('1a 1')],
  ])('rejects %s', (_what, input) => {
    expect(() => parsePrometheusText(input)).toThrow(ExpositionError);
  });

  it.each([
    ['buckets that are not cumulative', ['h_seconds_bucket{le="1",route="a"} 0'], 3],
    ['a +Inf bucket that disagrees with _count', ['h_seconds_bucket{le="+Inf",route="a"} 5'], 4],
    ['no +Inf bucket', [], 4],
    ['bounds out of order', ['h_seconds_bucket{le="0.05",route="a"} 3'], 3],
    ['no _sum', [], 5],
  ])('rejects a histogram with %s', (_what, replacement, index) => {
    const lines = [...HISTOGRAM];
    lines.splice(index, 1, ...replacement);
    expect(() => parsePrometheusText(text(...lines))).toThrow();
  });
});
