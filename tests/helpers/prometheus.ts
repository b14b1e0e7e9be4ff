/**
 * Prometheus' text format (prometheus.io/docs/instrumenting/exposition_formats), read as strictly
 * as a scraper reads it: every line is a comment, a blank or a well-formed sample; a family's
 * TYPE comes once and before its samples; a sample belongs to the family above it; label names
 * are valid and not repeated; a histogram's buckets never decrease, and per label set its +Inf
 * bucket equals its _count. Throws naming the line at fault.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|NaN|[-+]Inf)$/;

function readLabels(text: string, at: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    const name = text.slice(i, eq);
    if (eq < 0 || !LABEL.test(name)) throw new Error(`${at}: bad label name`);
    if (name in labels) throw new Error(`${at}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`${at}: label value not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\n') throw new Error(`${at}: raw newline in a label value`);
      if (text[j] !== '\\') {
        value += text[j];
        continue;
      }
      const next = text[++j];
      if (next === 'n') value += '\n';
      else if (next === '\\' || next === '"') value += next;
      else throw new Error(`${at}: bad escape \\${next}`);
    }
    if (j >= text.length) throw new Error(`${at}: unterminated label value`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i < text.length) throw new Error(`${at}: expected , between labels`);
  }
  return labels;
}

function readSample(line: string, at: string): Sample {
  const brace = line.indexOf('{');
  let name: string;
  let labels: Record<string, string> = {};
  let rest: string;
  if (brace >= 0 && brace < line.indexOf(' ')) {
    name = line.slice(0, brace);
    // The closing brace is the last one outside a quoted value: scan with the escapes.
    let j = brace + 1;
    let quoted = false;
    for (; j < line.length; j++) {
      if (quoted && line[j] === '\\') j++;
      else if (line[j] === '"') quoted = !quoted;
      else if (!quoted && line[j] === '}') break;
    }
    if (j >= line.length) throw new Error(`${at}: unclosed labels`);
    labels = readLabels(line.slice(brace + 1, j), at);
    rest = line.slice(j + 1);
  } else {
    const space = line.indexOf(' ');
    name = line.slice(0, space);
    rest = line.slice(space);
  }
  if (!NAME.test(name)) throw new Error(`${at}: bad metric name`);
  const parts = rest.trim().split(/\s+/);
  if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2 || !VALUE.test(parts[0]!))
    throw new Error(`${at}: bad value`);
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`${at}: bad timestamp`);
  return { name, labels, value: Number(parts[0]!.replace(/^\+/, '')) };
}

export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const helps = new Map<string, string>();
  let current: Family | undefined;
  for (const [i, line] of text.split('\n').entries()) {
    const at = `line ${i + 1} (${line.slice(0, 80)})`;
    if (line.trim() === '') continue;
    const help = /^# HELP (\S+) ?(.*)$/.exec(line);
    if (help) {
      if (helps.has(help[1]!)) throw new Error(`${at}: HELP twice`);
      helps.set(help[1]!, help[2]!);
      continue;
    }
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      const [, name, kind] = type;
      if (!NAME.test(name!)) throw new Error(`${at}: bad family name`);
      if (families.has(name!)) throw new Error(`${at}: TYPE twice or after its samples`);
      current = { name: name!, type: kind!, help: helps.get(name!) ?? '', samples: [] };
      families.set(name!, current);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = readSample(line, at);
    const suffixes = current?.type === 'histogram' ? /_(bucket|sum|count)$/ : /(?!)/;
    if (!current || sample.name.replace(suffixes, '') !== current.name)
      throw new Error(`${at}: a sample outside its family`);
    current.samples.push(sample);
  }
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: Family) {
  const sets = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const set = sets.get(key) ?? { buckets: [] };
    sets.set(key, set);
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${f.name}: a bucket without le`);
      set.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    } else if (s.name.endsWith('_count')) set.count = s.value;
  }
  for (const [key, set] of sets) {
    const buckets = set.buckets.sort((a, b) => a[0] - b[0]);
    buckets.forEach(([, n], j) => {
      if (j > 0 && n < buckets[j - 1]![1]) throw new Error(`${f.name} ${key}: buckets decrease`);
    });
    if (buckets.at(-1)?.[0] !== Infinity) throw new Error(`${f.name} ${key}: no +Inf bucket`);
    if (buckets.at(-1)![1] !== set.count) throw new Error(`${f.name} ${key}: +Inf is not _count`);
  }
}

/** The first sample named `name` (the family's own name unless given) whose labels include `labels`; 0 when none. */
export function valueOf(
  families: Map<string, Family>,
  family: string,
  labels: Record<string, string> = {},
  name = family,
): number {
  const sample = families
    .get(family)
    ?.samples.find(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
  return sample?.value ?? 0;
}
