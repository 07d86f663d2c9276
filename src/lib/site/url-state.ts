/**
 * Widget parameters in the page URL, so a view can be shared and restored. Each widget owns a
 * prefix (`cd.alpha=0.1`), so several widgets on one page never clash. Whatever the URL holds
 * (out of range, NaN, Infinity, words, repeated keys, over-long text) comes back as a valid value
 * plus a notice saying what was changed; nothing throws.
 */

export interface NumberParam {
  kind: 'number';
  label: string;
  min: number;
  max: number;
  default: number;
  /** Whole numbers only (k, beams, gamma...). */
  integer?: boolean;
}

export interface ChoiceParam<T extends string = string> {
  kind: 'choice';
  label: string;
  values: readonly T[];
  default: T;
}

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

/** A number made valid for `spec`: rounded if it must be whole, then clamped; null if unusable. */
export function clampNumber(spec: NumberParam, value: number): { value: number; notice: string | null } {
  if (!Number.isFinite(value)) {
    return {
      value: spec.default,
      notice: `${spec.label} must be a number from ${formatNumber(spec.min)} to ${formatNumber(spec.max)}; ${String(value)} was replaced by ${formatNumber(spec.default)}.`,
    };
  }
  let next = spec.integer ? Math.round(value) : value;
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

function parseOne(spec: ParamSpec, raw: string): { value: number | string; notice: string | null } {
  switch (spec.kind) {
    case 'number': {
      const trimmed = raw.trim();
      const parsed = trimmed === '' ? Number.NaN : Number(trimmed);
      if (!Number.isFinite(parsed)) {
        return {
          value: spec.default,
          notice: `${spec.label} must be a number from ${formatNumber(spec.min)} to ${formatNumber(spec.max)}; "${raw.slice(0, 40)}" was replaced by ${formatNumber(spec.default)}.`,
        };
      }
      return clampNumber(spec, parsed);
    }
    case 'choice':
      return spec.values.includes(raw)
        ? { value: raw, notice: null }
        : {
            value: spec.default,
            notice: `${spec.label} must be one of ${spec.values.join(', ')}; "${raw.slice(0, 40)}" was replaced by ${spec.default}.`,
          };
    case 'text':
      return raw.length > spec.maxLength
        ? { value: raw.slice(0, spec.maxLength), notice: `${spec.label} was cut to its first ${spec.maxLength} characters.` }
        : { value: raw, notice: null };
  }
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
  return { values: values as ParamValues<S>, notices };
}

/** Writes the values that differ from their defaults under the prefix; removes the others. */
export function writeParams<S extends ParamSchema>(schema: S, values: ParamValues<S>, prefix: string, params: URLSearchParams): void {
  for (const [key, spec] of Object.entries(schema)) {
    const name = `${prefix}.${key}`;
    const value = (values as Record<string, number | string>)[key];
    params.delete(name);
    if (value !== spec.default) params.set(name, typeof value === 'number' ? formatNumber(value) : value);
  }
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
