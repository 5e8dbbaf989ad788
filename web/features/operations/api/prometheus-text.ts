/**
 * A reader for the Prometheus text exposition format (version 0.0.4), enough for this page: sample
 * lines with labels and special values; comments, HELP and TYPE lines are skipped. The npm parsers
 * for it are unmaintained and untyped, and the format is small.
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

const specialValues: Record<string, number> = { NaN: Number.NaN, '+Inf': Infinity, '-Inf': -Infinity };

function parseValue(text: string): number | null {
  const special = specialValues[text];
  if (special !== undefined) return special;
  const value = Number(text);
  return text !== '' && !Number.isNaN(value) ? value : null;
}

const escapes: Record<string, string> = { n: '\n', '\\': '\\', '"': '"' };

/** Reads `{a="x",b="y\"z"}` starting at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') return null;
    const key = line.slice(i, eq).trim();
    let value = '';
    i = eq + 2;
    while (i < line.length && line[i] !== '"') {
      if (line[i] === '\\') {
        const next = line[i + 1] ?? '';
        value += escapes[next] ?? `\\${next}`;
        i += 2;
      } else {
        value += line[i];
        i++;
      }
    }
    if (i >= line.length) return null;
    labels[key] = value;
    i++;
  }
}

function parseLine(line: string): Sample | null {
  const nameEnd = line.search(/[{\s]/);
  if (nameEnd <= 0) return null;
  const name = line.slice(0, nameEnd);
  let rest = line.slice(nameEnd);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(line, nameEnd);
    if (!parsed) return null;
    labels = parsed.labels;
    rest = line.slice(parsed.end);
  }
  // An optional timestamp may follow the value; this page uses the scrape time instead.
  const [valueText = ''] = rest.trim().split(/\s+/);
  const value = parseValue(valueText);
  return value === null ? null : { name, labels, value };
}

/** Samples by metric name (histograms keep their `_bucket`, `_sum`, `_count` names). Bad lines are skipped. */
export function parsePrometheusText(text: string): Map<string, Sample[]> {
  const byName = new Map<string, Sample[]>();
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (!sample) continue;
    const list = byName.get(sample.name);
    if (list) list.push(sample);
    else byName.set(sample.name, [sample]);
  }
  return byName;
}

/** The sum of a metric's samples (over all label sets), or null when the metric is absent. */
export function metricTotal(metrics: Map<string, Sample[]>, name: string): number | null {
  const samples = metrics.get(name);
  if (!samples?.length) return null;
  return samples.reduce((sum, s) => sum + s.value, 0);
}

export interface Bucket {
  /** Upper bound (`le`), Infinity for the last. */
  le: number;
  /** Cumulative count of observations ≤ `le`. */
  count: number;
}

/** A histogram's cumulative buckets, sorted by bound. */
export function histogramBuckets(metrics: Map<string, Sample[]>, name: string): Bucket[] {
  const buckets: Bucket[] = [];
  for (const sample of metrics.get(`${name}_bucket`) ?? []) {
    const le = sample.labels.le === undefined ? null : parseValue(sample.labels.le);
    if (le !== null) buckets.push({ le, count: sample.value });
  }
  return buckets.sort((a, b) => a.le - b.le);
}

/** Buckets of the observations made between two scrapes; null when the counters went back (a restart). */
export function bucketsSince(before: readonly Bucket[], after: readonly Bucket[]): Bucket[] | null {
  const out: Bucket[] = [];
  for (const bucket of after) {
    const previous = before.find((b) => b.le === bucket.le)?.count ?? 0;
    if (bucket.count < previous) return null;
    out.push({ le: bucket.le, count: bucket.count - previous });
  }
  return out;
}

/**
 * The q-quantile (0..1) of a cumulative histogram, interpolated linearly inside the bucket it falls
 * in, as PromQL's `histogram_quantile` does. Null without observations; the highest finite bound when
 * it falls in the +Inf bucket.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      if (inBucket <= 0) return bucket.le;
      return lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
