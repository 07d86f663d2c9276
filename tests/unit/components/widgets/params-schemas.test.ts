/**
 * Every widget's parameter schema is the single source of its sliders: label, range, step, the
 * decimals shown and the hint. These checks keep each one usable as a slider and as a URL value.
 */
import { describe, expect, it } from 'vitest';
import { SCHEMA as beam } from '../../../../src/components/widgets/beam-tree/params';
import { SCHEMA as generation } from '../../../../src/components/widgets/cd-generation/params';
import { SCHEMA as contrastive } from '../../../../src/components/widgets/contrastive-decoding/params';
import { SCHEMA as explorer } from '../../../../src/components/widgets/distribution-explorer/sliders';
import { SCHEMA as dola } from '../../../../src/components/widgets/dola/params';
import { SCHEMA as sampler } from '../../../../src/components/widgets/live-sampler/params';
import { SCHEMA as playground } from '../../../../src/components/widgets/playground/params';
import { SCHEMA as speculative } from '../../../../src/components/widgets/speculative-sampler/params';
import { clampNumber, defaultValues, formatParam, sliderStep, type NumberParam, type ParamSchema } from '../../../../src/lib/site/url-state';

const schemas: Record<string, ParamSchema> = { beam, generation, contrastive, explorer, dola, sampler, playground, speculative };
const numbers = Object.entries(schemas).flatMap(([widget, schema]) =>
  Object.entries(schema)
    .filter((entry): entry is [string, NumberParam] => entry[1].kind === 'number')
    .map(([key, spec]) => ({ name: `${widget}.${key}`, spec })),
);

describe('slider helpers', () => {
  const alpha: NumberParam = { kind: 'number', label: 'Alpha', min: 0, max: 1, default: 0.1, step: 0.01 };
  it('show as many decimals as the step has', () => {
    expect(formatParam(alpha, 0.1)).toBe('0.10');
    expect(formatParam({ ...alpha, step: 0.1 }, 1)).toBe('1.0');
    expect(formatParam({ ...alpha, step: 8, integer: true }, 96)).toBe('96');
  });
  it('step whole numbers by 1 and others by a hundredth of the range unless told', () => {
    expect(sliderStep({ ...alpha, step: undefined, integer: true, max: 8 })).toBe(1);
    expect(sliderStep({ ...alpha, step: undefined, max: 2 })).toBe(0.02);
    expect(sliderStep(alpha)).toBe(0.01);
  });
  it('defaultValues holds every default', () => {
    expect(defaultValues({ a: alpha, b: { kind: 'choice', label: 'B', values: ['x', 'y'], default: 'y' } })).toEqual({ a: 0.1, b: 'y' });
  });
});

describe.each(numbers)('$name', ({ spec }) => {
  const step = sliderStep(spec);
  it('has a default inside its range that the slider can show exactly', () => {
    expect(clampNumber(spec, spec.default).notice).toBeNull();
    const stepsFromMin = (spec.default - spec.min) / step;
    expect(Math.abs(stepsFromMin - Math.round(stepsFromMin))).toBeLessThan(1e-9);
  });
  it('a fractional parameter names its step, and a whole one steps by whole numbers', () => {
    if (spec.integer) expect(Number.isInteger(step)).toBe(true);
    else expect(spec.step).toBeGreaterThan(0);
  });
  it('the slider reaches both ends of the range', () => {
    const steps = (spec.max - spec.min) / step;
    expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-9);
  });
});
