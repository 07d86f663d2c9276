/**
 * Widget parameters in the page URL, so a view can be shared and restored. Each widget owns a
 * prefix (`cd.alpha=0.1`), so several widgets on one page never clash. Whatever the URL holds
 * (out of range, NaN, Infinity, words, hex, empty, repeated keys, unknown keys under the prefix,
 * blank or over-long text) comes back as a valid value plus a notice saying what was changed;
 * nothing throws. Keys under other prefixes belong to other widgets and are left alone.
 */

export interface NumberParam {
  kind: 'number';
  label: string;
  min: number;
  max: number;
  default: number;
  /** Whole numbers only (k, beams, gamma...). */
  integer?: boolean;
  /** The slider's step: 1 when omitted for whole numbers; its decimals are the decimals shown. */
  step?: number;
  /** One line under the slider, e.g. what 0 means. */
  hint?: string;
}

export interface ChoiceParam<T extends string = string> {
  kind: 'choice';
  label: string;
  values: readonly T[];
  default: T;
}

/**
 * Free text: in practice a prompt, which a model reads from its end, so text cut to `maxLength`
 * keeps its last characters. Blank text (empty or only whitespace) is replaced by the default.
 */
export interface TextParam {
  kind: 'text';
  label: string;
  maxLength: number;
  default: string;
}

export type ParamSpec = NumberParam | ChoiceParam | TextParam;
export type ParamSchema = Record<string, ParamSpec>;

export type ParamValues<S extends ParamSchema> = {
  [K in keyof S]: S[K] extends NumberParam ? number : S[K] extends ChoiceParam<infer T> ? T : string;
};

export interface ParsedParams<S extends ParamSchema> {
  values: ParamValues<S>;
  /** One sentence per value that was not used as given. */
  notices: string[];
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function notANumber(spec: NumberParam, shown: string): { value: number; notice: string } {
  return {
    value: spec.default,
    notice: `${spec.label} must be a number from ${formatNumber(spec.min)} to ${formatNumber(spec.max)}; ${shown} was replaced by ${formatNumber(spec.default)}.`,
  };
}

/** A number made valid for `spec`: rounded if it must be whole, then clamped; the default if not finite. */
export function clampNumber(spec: NumberParam, value: number): { value: number; notice: string | null } {
  if (!Number.isFinite(value)) return notANumber(spec, `"${String(value)}"`);
  // + 0 turns -0 into 0, which would otherwise print as "-0" in some formats.
  let next = (spec.integer ? Math.round(value) : value) + 0;
  const notices: string[] = [];
  if (spec.integer && next !== value) notices.push(`rounded to ${formatNumber(next)}`);
  if (next < spec.min || next > spec.max) {
    next = Math.min(spec.max, Math.max(spec.min, next));
    notices.push(`clamped to ${formatNumber(next)} (allowed: ${formatNumber(spec.min)} to ${formatNumber(spec.max)})`);
  }
  return {
    value: next,
    notice: notices.length > 0 ? `${spec.label} ${formatNumber(value)} was ${notices.join(' and ')}.` : null,
  };
}

/** Plain decimal notation only: Number() would also take "0x10", "0b1" or "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A raw URL value quoted for a notice: short, so a huge value cannot flood the page. */
function quoted(raw: string): string {
  if (raw.length <= 40) return `"${raw}"`;
  // Not ending on the first half of a surrogate pair.
  const end = isHighSurrogate(raw.charCodeAt(39)) ? 39 : 40;
  return `"${raw.slice(0, end)}…"`;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

function parseOne(spec: ParamSpec, raw: string): { value: number | string; notice: string | null } {
  switch (spec.kind) {
    case 'number': {
      const trimmed = raw.trim();
      const parsed = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
      if (!Number.isFinite(parsed)) return notANumber(spec, quoted(raw));
      return clampNumber(spec, parsed);
    }
    case 'choice':
      return spec.values.includes(raw)
        ? { value: raw, notice: null }
        : {
            value: spec.default,
            notice: `${spec.label} must be one of ${spec.values.join(', ')}; ${quoted(raw)} was replaced by ${spec.default}.`,
          };
    case 'text':
      if (raw.trim() === '') return { value: spec.default, notice: `${spec.label} was empty; the default was used.` };
      return raw.length > spec.maxLength
        ? {
            value: lastCharacters(raw, spec.maxLength),
            notice: `${spec.label} had ${raw.length.toLocaleString('en-US')} characters; only its last ${spec.maxLength.toLocaleString('en-US')} were kept.`,
          }
        : { value: raw, notice: null };
  }
}

/** The last `count` characters, without starting on the second half of a surrogate pair. */
function lastCharacters(text: string, count: number): string {
  if (text.length <= count) return text;
  const start = text.length - count;
  return text.slice(isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start);
}

function unknownKeys(schema: ParamSchema, params: URLSearchParams, prefix: string): string[] {
  const known = new Set(Object.keys(schema).map((key) => `${prefix}.${key}`));
  return [...new Set([...params.keys()].filter((name) => name.startsWith(`${prefix}.`) && !known.has(name)))];
}

export function parseParams<S extends ParamSchema>(schema: S, params: URLSearchParams, prefix: string): ParsedParams<S> {
  const values: Record<string, number | string> = {};
  const notices: string[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    const all = params.getAll(`${prefix}.${key}`);
    if (all.length === 0) {
      values[key] = spec.default;
      continue;
    }
    if (all.length > 1) notices.push(`${spec.label} was given ${all.length} times; the last one was used.`);
    const { value, notice } = parseOne(spec, all[all.length - 1]);
    values[key] = value;
    if (notice) notices.push(notice);
  }
  const unknown = unknownKeys(schema, params, prefix);
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map(quoted).join(', ') + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : '');
    notices.push(`${names} ${unknown.length === 1 ? 'is not a setting' : 'are not settings'} of this figure and ${unknown.length === 1 ? 'was' : 'were'} ignored (settings: ${Object.keys(schema).join(', ')}).`);
  }
  return { values: values as ParamValues<S>, notices };
}

/**
 * Writes the values that differ from their defaults under the prefix and removes every other key
 * under it (defaults, unknown keys), so reading the URL back gives the same values with no notice.
 * Numbers are written exactly; text longer than its maxLength is written as its end.
 */
export function writeParams<S extends ParamSchema>(schema: S, values: ParamValues<S>, prefix: string, params: URLSearchParams): void {
  for (const name of unknownKeys(schema, params, prefix)) params.delete(name);
  for (const [key, spec] of Object.entries(schema)) {
    const name = `${prefix}.${key}`;
    const value = (values as Record<string, number | string>)[key];
    params.delete(name);
    if (value === spec.default) continue;
    const written = typeof value === 'number' ? String(value) : spec.kind === 'text' ? lastCharacters(value, spec.maxLength) : value;
    params.set(name, written);
  }
}

/** Every parameter at its default. */
export function defaultValues<S extends ParamSchema>(schema: S): ParamValues<S> {
  return Object.fromEntries(Object.entries(schema).map(([key, spec]) => [key, spec.default])) as ParamValues<S>;
}

/** The step a slider for `spec` moves by. */
export function sliderStep(spec: NumberParam): number {
  return spec.step ?? (spec.integer ? 1 : (spec.max - spec.min) / 100);
}

/** A value as its slider shows it: as many decimals as the step has. */
export function formatParam(spec: NumberParam, value: number): string {
  const [, decimals = ''] = String(sliderStep(spec)).split('.');
  return value.toFixed(decimals.length);
}

/** Reads a widget's parameters from the current page URL (defaults outside a browser). */
export function readPageParams<S extends ParamSchema>(schema: S, prefix: string): ParsedParams<S> {
  const search = typeof location === 'undefined' ? '' : location.search;
  return parseParams(schema, new URLSearchParams(search), prefix);
}

/** Puts a widget's parameters into the page URL without adding a history entry. */
export function replacePageParams<S extends ParamSchema>(schema: S, values: ParamValues<S>, prefix: string): void {
  if (typeof location === 'undefined' || typeof history === 'undefined') return;
  const url = new URL(location.href);
  writeParams(schema, values, prefix, url.searchParams);
  if (url.href !== location.href) history.replaceState(history.state, '', url);
}
