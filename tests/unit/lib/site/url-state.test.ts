/**
 * The URL parameters of every widget (each widget's params.ts, collected by a glob so a new widget
 * is covered without touching this file): whatever a URL holds, each value comes back valid, every
 * value not used as given has a notice, nothing throws, and writing the values back gives a URL
 * that reads the same with no notice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseParams, writeParams, type ParamSchema, type ParamSpec, type ParamValues } from '../../../../src/lib/site/url-state';

interface WidgetParams {
  PREFIX: string;
  SCHEMA: ParamSchema;
}

const modules = import.meta.glob<WidgetParams>('../../../../src/components/widgets/*/params.ts', { eager: true });
const WIDGETS = Object.entries(modules).map(([file, m]) => ({ file, prefix: m.PREFIX, schema: m.SCHEMA }));

/** Values a reader or a broken link might put in a URL, beside the random ones. */
const HOSTILE = [
  '', ' ', 'NaN', 'nan', 'Infinity', '-Infinity', '+Infinity', 'undefined', 'null', 'true', 'abc', '1,5', '1_000',
  '0x10', '0b1', '0o7', '1e309', '-1e309', '1e308', '-1e308', '5e-324', '-0', '.5', '5.', '1e', '--1', '½', '١', '１',
  '<script>alert(1)</script>', '%', '\u0000', '\uD800', '😀', '   7   ', '3.999999999', '-3', '2.5',
];

const hostileValue = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.double().map(String),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 3000 }),
);

function specsOf(schema: ParamSchema): [string, ParamSpec][] {
  return Object.entries(schema);
}

/** The conditions every parsed value meets. */
function expectValid(spec: ParamSpec, value: unknown): void {
  switch (spec.kind) {
    case 'number':
      expect(typeof value).toBe('number');
      expect(Number.isFinite(value)).toBe(true);
      expect(value as number).toBeGreaterThanOrEqual(spec.min);
      expect(value as number).toBeLessThanOrEqual(spec.max);
      expect(Object.is(value, -0)).toBe(false);
      if (spec.integer) expect(Number.isInteger(value)).toBe(true);
      break;
    case 'choice':
      expect(spec.values).toContain(value);
      break;
    case 'text':
      expect(typeof value).toBe('string');
      expect((value as string).length).toBeLessThanOrEqual(spec.maxLength);
      expect((value as string).trim()).not.toBe('');
      break;
  }
}

/** A random valid value of a parameter (what a slider or a well-formed link can hold). */
function validValue(spec: ParamSpec): fc.Arbitrary<number | string> {
  switch (spec.kind) {
    case 'number':
      return spec.integer
        ? fc.integer({ min: Math.ceil(spec.min), max: Math.floor(spec.max) })
        : fc.double({ min: spec.min, max: spec.max, noNaN: true }).map((x) => x + 0);
    case 'choice':
      return fc.constantFrom(...spec.values);
    case 'text':
      return fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter((s) => s.trim() !== '' && s.length <= spec.maxLength);
  }
}

function validValues(schema: ParamSchema): fc.Arbitrary<Record<string, number | string>> {
  return fc.record(Object.fromEntries(specsOf(schema).map(([key, spec]) => [key, validValue(spec)])));
}

describe('the widgets whose parameters are checked', () => {
  it('finds every params.ts, each with a prefix of its own', () => {
    expect(WIDGETS.length).toBeGreaterThanOrEqual(7);
    const prefixes = WIDGETS.map((w) => w.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    // One prefix must not start another's keys ("cd." and "cdgen." are fine, "cd" and "cd.x" not).
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(`${a}.`)).toBe(false);
  });

  it('every component that reads URL parameters takes its schema from its own params.ts', () => {
    const root = join(import.meta.dirname, '..', '..', '..', '..', 'src', 'components', 'widgets');
    const readers = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.svelte'))
      .filter((file) => readFileSync(join(root, file), 'utf8').includes('pageParams('));
    expect(readers.length).toBeGreaterThanOrEqual(7);
    for (const file of readers) {
      expect(readFileSync(join(root, file), 'utf8'), file).toMatch(/import \{[^}]*\bSCHEMA\b[^}]*\} from '\.\/params'/);
    }
  });
});

describe.each(WIDGETS)('$prefix ($file)', ({ prefix, schema }) => {
  it('has valid defaults and finite ranges', () => {
    for (const [key, spec] of specsOf(schema)) {
      if (spec.kind === 'number') {
        expect(Number.isFinite(spec.min) && Number.isFinite(spec.max), key).toBe(true);
        expect(spec.min, key).toBeLessThan(spec.max);
      }
      if (spec.kind === 'text') expect(spec.maxLength, key).toBeGreaterThan(0);
      expectValid(spec, spec.default);
    }
  });

  it('an empty URL gives the defaults with no notice', () => {
    const { values, notices } = parseParams(schema, new URLSearchParams(''), prefix);
    expect(notices).toEqual([]);
    for (const [key, spec] of specsOf(schema)) expect((values as Record<string, unknown>)[key]).toBe(spec.default);
  });

  it('any URL gives valid values, and a notice for each value not used as given', () => {
    const keys = Object.keys(schema);
    const name = fc.oneof(
      fc.constantFrom(...keys).map((key) => `${prefix}.${key}`),
      fc.constantFrom(`${prefix}.`, `${prefix}.nope`, `${prefix}.${keys[0].toUpperCase()}`, `${prefix}`, `other.${keys[0]}`, 'utm_source'),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(name, hostileValue), { maxLength: 12 }), (pairs) => {
        const params = new URLSearchParams();
        for (const [k, v] of pairs) params.append(k, v);
        const { values, notices } = parseParams(schema, params, prefix);
        const byKey = values as Record<string, number | string>;
        for (const [key, spec] of specsOf(schema)) {
          expectValid(spec, byKey[key]);
          const given = params.getAll(`${prefix}.${key}`);
          const named = notices.filter((n) => n.startsWith(`${spec.label} `));
          if (given.length === 0) expect(byKey[key]).toBe(spec.default);
          else if (given.length > 1) expect(named.some((n) => n.includes(`given ${given.length} times`))).toBe(true);
          // Without a notice of its own, the last value given was used exactly as written.
          const raw = given.at(-1);
          if (raw !== undefined && !named.some((n) => !n.includes('times; the last one was used'))) {
            expect(spec.kind === 'number' ? Number(raw.trim()) + 0 : raw).toBe(byKey[key]);
          }
        }
        const strays = [...new Set(pairs.map(([k]) => k))].filter((k) => k.startsWith(`${prefix}.`) && !keys.includes(k.slice(prefix.length + 1)));
        if (strays.length > 0) expect(notices.some((n) => n.includes('ignored (settings:'))).toBe(true);
        else expect(notices.some((n) => n.includes('ignored (settings:'))).toBe(false);
        // A notice quotes at most 40 characters of a raw value, so no URL can flood the page.
        for (const notice of notices) expect(notice.length).toBeLessThan(600);
      }),
      { seed: 7, numRuns: 400 },
    );
  });

  it('values written to the URL read back the same with no notice, and writing again changes nothing', () => {
    fc.assert(
      fc.property(validValues(schema), (values) => {
        const params = new URLSearchParams(`${prefix}.junk=1&${prefix}.${Object.keys(schema)[0]}=NaN&other.keep=1`);
        writeParams(schema, values as ParamValues<ParamSchema>, prefix, params);
        const read = parseParams(schema, params, prefix);
        expect(read.notices).toEqual([]);
        expect(read.values).toEqual(values);
        expect(params.get('other.keep')).toBe('1');
        const again = new URLSearchParams(params);
        writeParams(schema, read.values, prefix, again);
        expect(again.toString()).toBe(params.toString());
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('whatever a URL holds, the parsed values survive a write and a read unchanged', () => {
    const keys = Object.keys(schema);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...keys), hostileValue), { maxLength: 8 }), (pairs) => {
        const first = parseParams(schema, new URLSearchParams(pairs.map(([k, v]) => [`${prefix}.${k}`, v])), prefix);
        const params = new URLSearchParams();
        writeParams(schema, first.values, prefix, params);
        const second = parseParams(schema, params, prefix);
        expect(second.notices).toEqual([]);
        expect(second.values).toEqual(first.values);
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});

describe('what parseParams says about odd values (one schema, written out)', () => {
  const schema = {
    n: { kind: 'number', label: 'Beams', min: 1, max: 8, default: 3, integer: true },
    x: { kind: 'number', label: 'Temperature', min: 0, max: 2, default: 1 },
    c: { kind: 'choice', label: 'Variant', values: ['a', 'b'], default: 'a' },
    t: { kind: 'text', label: 'Prompt', maxLength: 10, default: 'Hello' },
  } satisfies ParamSchema;
  const parse = (query: string) => parseParams(schema, new URLSearchParams(query), 'w');

  it.each([
    ['w.n=NaN', 3, 'Beams must be a number from 1 to 8; "NaN" was replaced by 3.'],
    ['w.n=Infinity', 3, 'Beams must be a number from 1 to 8; "Infinity" was replaced by 3.'],
    ['w.n=-Infinity', 3, 'Beams must be a number from 1 to 8; "-Infinity" was replaced by 3.'],
    ['w.n=1e309', 3, 'Beams must be a number from 1 to 8; "1e309" was replaced by 3.'],
    ['w.n=0x10', 3, 'Beams must be a number from 1 to 8; "0x10" was replaced by 3.'],
    ['w.n=', 3, 'Beams must be a number from 1 to 8; "" was replaced by 3.'],
    ['w.n=1e300', 8, 'Beams 1e+300 was clamped to 8 (allowed: 1 to 8).'],
    ['w.n=-5', 1, 'Beams -5 was clamped to 1 (allowed: 1 to 8).'],
    ['w.n=2.5', 3, 'Beams 2.5 was rounded to 3.'],
    ['w.n=9.6', 8, 'Beams 9.6 was rounded to 10 and clamped to 8 (allowed: 1 to 8).'],
  ])('%s', (query, value, notice) => {
    const { values, notices } = parse(query);
    expect(values.n).toBe(value);
    expect(notices).toEqual([notice]);
  });

  it('-0 reads as 0, silently', () => {
    const { values, notices } = parse('w.x=-0');
    expect(Object.is(values.x, 0)).toBe(true);
    expect(notices).toEqual([]);
  });

  it('repeated keys: the last one is used, with a notice', () => {
    expect(parse('w.x=0.5&w.x=1.5')).toEqual({
      values: { n: 3, x: 1.5, c: 'a', t: 'Hello' },
      notices: ['Temperature was given 2 times; the last one was used.'],
    });
  });

  it('unknown keys under the prefix are named in a notice; other prefixes are left alone', () => {
    const { notices } = parse('w.beams=4&w.X=1&other.n=5&utm_source=x');
    expect(notices).toEqual(['"w.beams", "w.X" are not settings of this figure and were ignored (settings: n, x, c, t).']);
  });

  it('blank text gives the default; long text keeps its end (what a model reads)', () => {
    expect(parse('w.t=%20%0A%09').values.t).toBe('Hello');
    expect(parse('w.t=%20%0A%09').notices).toEqual(['Prompt was empty; the default was used.']);
    const long = parse(`w.t=${encodeURIComponent('abcdefghij0123456789')}`);
    expect(long.values.t).toBe('0123456789');
    expect(long.notices).toEqual(['Prompt had 20 characters; only its last 10 were kept.']);
  });

  it('text that looks like HTML is kept as text', () => {
    const { values, notices } = parse(`w.t=${encodeURIComponent('<b>x</b>')}`);
    expect(values.t).toBe('<b>x</b>');
    expect(notices).toEqual([]);
  });

  it('a cut never starts on the second half of a surrogate pair', () => {
    // 12 UTF-16 units: the last 10 would start on the emoji's second half, so 9 are kept.
    const { values } = parse(`w.t=${encodeURIComponent('a😀bcdefghij')}`);
    expect(values.t).toBe('bcdefghij');
  });

  it('a long raw value is quoted short in its notice', () => {
    const { notices } = parse(`w.c=${'z'.repeat(5000)}`);
    expect(notices).toEqual([`Variant must be one of a, b; "${'z'.repeat(40)}…" was replaced by a.`]);
  });

  it('writes numbers exactly, drops defaults and unknown keys, and keeps the end of long text', () => {
    const params = new URLSearchParams('w.zzz=1&w.n=5&keep=1');
    writeParams(schema, { n: 3, x: 0.1234567891, c: 'b', t: 'x'.repeat(5) + 'y'.repeat(10) }, 'w', params);
    expect(params.toString()).toBe(`keep=1&w.x=0.1234567891&w.c=b&w.t=${'y'.repeat(10)}`);
  });
});
