/**
 * A strict parser for the Prometheus text exposition format (version 0.0.4), for checking what
 * `GET /metrics` serves. It rejects what a scraper would choke on or silently misread: malformed lines,
 * bad names or escapes, a TYPE or HELP given twice or after the family's samples, a family split in two,
 * a series repeated, a negative counter, and histograms whose buckets are not cumulative, not sorted,
 * or disagree with `_count`.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`…), not the family's. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string | undefined;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
}

export interface HistogramSeries {
  /** The series' labels, without `le`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Cumulative counts by upper bound, ascending, ending with `+Inf`. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
  readonly sum: number;
  readonly count: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export class ExpositionError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionError';
  }
}

interface Building {
  name: string;
  help: string | undefined;
  type: MetricType | undefined;
  samples: Sample[];
  series: Set<string>;
}

/** Parses a whole exposition into its families, by family name, in order of appearance. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text.length > 0 && !text.endsWith('\n'))
    throw new ExpositionError(0, 'the exposition must end with a newline');
  const families = new Map<string, Building>();
  const closed = new Set<string>();
  let current: Building | undefined;
  const enter = (name: string, lineNumber: number): Building => {
    if (current?.name === name) return current;
    if (closed.has(name) || families.has(name)) {
      throw new ExpositionError(lineNumber, `family ${name} is split by another family`);
    }
    if (current !== undefined) closed.add(current.name);
    current = { name, help: undefined, type: undefined, samples: [], series: new Set() };
    families.set(name, current);
    return current;
  };

  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (match === null) return; // An ordinary comment.
      const [, keyword, name = '', rest = ''] = match;
      if (!METRIC_NAME.test(name)) throw new ExpositionError(lineNumber, `bad metric name '${name}'`);
      const family = enter(name, lineNumber);
      if (keyword === 'HELP') {
        if (family.help !== undefined) throw new ExpositionError(lineNumber, `second HELP for ${name}`);
        family.help = unescapeHelp(rest, lineNumber);
      } else {
        if (family.type !== undefined) throw new ExpositionError(lineNumber, `second TYPE for ${name}`);
        if (family.samples.length > 0)
          throw new ExpositionError(lineNumber, `TYPE for ${name} after its samples`);
        if (!TYPES.has(rest.trim())) throw new ExpositionError(lineNumber, `unknown type '${rest}'`);
        family.type = rest.trim() as MetricType;
      }
      return;
    }
    const sample = parseSample(line, lineNumber);
    const family = enter(familyOf(sample.name, current), lineNumber);
    const key = sample.name + seriesKey(sample.labels);
    if (family.series.has(key)) throw new ExpositionError(lineNumber, `repeated series ${line}`);
    family.series.add(key);
    if (family.type === 'counter' && !(sample.value >= 0)) {
      throw new ExpositionError(lineNumber, `counter ${sample.name} is negative or NaN`);
    }
    family.samples.push(sample);
  });

  const result = new Map<string, MetricFamily>();
  for (const family of families.values()) {
    const type = family.type ?? 'untyped';
    const built: MetricFamily = { name: family.name, help: family.help, type, samples: family.samples };
    if (type === 'histogram') histogramSeries(built);
    result.set(family.name, built);
  }
  return result;
}

/** The family a sample belongs to: the current one when the name is one of its sample names. */
function familyOf(sampleName: string, current: Building | undefined): string {
  if (current === undefined) return sampleName;
  const suffixes = SUFFIXES[current.type ?? 'untyped'];
  return suffixes.some((suffix) => sampleName === current.name + suffix) ? current.name : sampleName;
}

function unescapeHelp(text: string, lineNumber: number): string {
  return text.replace(/\\(.?)/g, (_escape, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    throw new ExpositionError(lineNumber, `bad escape '\\${next}' in HELP`);
  });
}

function parseSample(line: string, lineNumber: number): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new ExpositionError(lineNumber, `bad sample line '${line}'`);
  const name = nameMatch[0];
  let position = name.length;
  const labels: Record<string, string> = {};
  if (line[position] === '{') {
    position += 1;
    while (line[position] !== '}') {
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(position));
      if (labelMatch === null) throw new ExpositionError(lineNumber, `bad label at column ${position + 1}`);
      const labelName = labelMatch[1] ?? '';
      // `__` names are reserved to Prometheus (and `__proto__` would not be a plain property).
      if (!LABEL_NAME.test(labelName) || labelName.startsWith('__') || Object.hasOwn(labels, labelName)) {
        throw new ExpositionError(lineNumber, `bad or repeated label '${labelName}'`);
      }
      position += labelMatch[0].length;
      let value = '';
      for (;;) {
        const char = line[position];
        if (char === undefined) throw new ExpositionError(lineNumber, 'unterminated label value');
        position += 1;
        if (char === '"') break;
        if (char !== '\\') {
          value += char;
          continue;
        }
        const escaped = line[position];
        position += 1;
        if (escaped === '\\' || escaped === '"') value += escaped;
        else if (escaped === 'n') value += '\n';
        else throw new ExpositionError(lineNumber, `bad escape in label ${labelName}`);
      }
      labels[labelName] = value;
      if (line[position] === ',') position += 1;
      else if (line[position] !== '}')
        throw new ExpositionError(lineNumber, `expected ',' or '}' after ${labelName}`);
    }
    position += 1;
  }
  const rest = line.slice(position);
  const valueMatch = /^[ \t]+(\S+)(?:[ \t]+(-?\d+))?[ \t]*$/.exec(rest);
  if (valueMatch === null) throw new ExpositionError(lineNumber, `bad value in '${line}'`);
  return { name, labels, value: parseValue(valueMatch[1] ?? '', lineNumber) };
}

/** Prometheus reads values with Go's ParseFloat: special values in any case (prom-client writes `Nan`). */
function parseValue(text: string, lineNumber: number): number {
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(text);
  if (special !== null) {
    if (special[2]?.toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new ExpositionError(lineNumber, `bad number '${text}'`);
  }
  return Number(text);
}

const seriesKey = (labels: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** A histogram family's series, checked: sorted bounds, cumulative counts, `+Inf` = `_count`, a `_sum`. */
export function histogramSeries(family: MetricFamily): HistogramSeries[] {
  if (family.type !== 'histogram') throw new Error(`${family.name} is a ${family.type}, not a histogram`);
  const byKey = new Map<
    string,
    { labels: Record<string, string>; buckets: { le: number; count: number }[]; sum?: number; count?: number }
  >();
  const entry = (labels: Record<string, string>) => {
    const key = seriesKey(labels);
    let found = byKey.get(key);
    if (found === undefined) {
      found = { labels, buckets: [] };
      byKey.set(key, found);
    }
    return found;
  };
  for (const sample of family.samples) {
    const { le, ...labels } = sample.labels;
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}_bucket without le`);
      entry(labels).buckets.push({ le: parseValue(le, 0), count: sample.value });
    } else if (le !== undefined) {
      throw new Error(`${sample.name} has an le label`);
    } else if (sample.name === `${family.name}_sum`) {
      entry(labels).sum = sample.value;
    } else {
      entry(labels).count = sample.value;
    }
  }
  return [...byKey.values()].map(({ labels, buckets, sum, count }) => {
    const where = `${family.name}${seriesKey(labels)}`;
    if (sum === undefined || count === undefined) throw new Error(`${where}: _sum or _count missing`);
    buckets.forEach((bucket, index) => {
      const previous = buckets[index - 1];
      if (previous !== undefined && !(bucket.le > previous.le))
        throw new Error(`${where}: bounds not ascending`);
      if (previous !== undefined && bucket.count < previous.count)
        throw new Error(`${where}: counts not cumulative`);
      if (!Number.isInteger(bucket.count) || bucket.count < 0) throw new Error(`${where}: bad bucket count`);
    });
    const last = buckets.at(-1);
    if (last?.le !== Infinity) throw new Error(`${where}: no +Inf bucket`);
    if (last.count !== count) throw new Error(`${where}: +Inf bucket ${last.count} ≠ _count ${count}`);
    if (count === 0 && sum !== 0) throw new Error(`${where}: a sum without observations`);
    return { labels, buckets, sum, count };
  });
}
