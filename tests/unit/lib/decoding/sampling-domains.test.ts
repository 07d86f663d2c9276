import { describe, expect, it } from 'vitest';
import { initBeamSearch } from '../../../../src/lib/decoding/beam';
import {
  MinPProcessor,
  NoRepeatNgramProcessor,
  RepetitionPenaltyProcessor,
  resolveSamplingOptions,
  TemperatureProcessor,
  TopKProcessor,
  TopPProcessor,
  TypicalProcessor,
} from '../../../../src/lib/decoding/processors';
import { SAMPLING_DOMAINS } from '../../../../src/lib/decoding/processors/domains';

/** What each option's processor does with a value: construct it (and so validate it). */
const BUILD: Record<string, (value: number) => unknown> = {
  temperature: (v) => new TemperatureProcessor(v),
  topK: (v) => new TopKProcessor(v),
  topP: (v) => new TopPProcessor(v),
  minP: (v) => new MinPProcessor(v),
  typical: (v) => new TypicalProcessor(v),
  repetitionPenalty: (v) => new RepetitionPenaltyProcessor(v),
  noRepeatNgramSize: (v) => new NoRepeatNgramProcessor(v),
  minTokensToKeep: (v) => new TopKProcessor(0, v),
};

function thrownBy(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    return (error as Error).message;
  }
  throw new Error('expected a RangeError, nothing was thrown');
}

/** Values just outside and just inside each option's domain, read from the table itself. */
function probes(range: { min?: number; max?: number; minInclusive?: boolean; integer?: boolean }) {
  const outside = [NaN, Infinity];
  const inside: number[] = [];
  if (range.min !== undefined) {
    outside.push(range.min - 1);
    (range.minInclusive === false ? outside : inside).push(range.min);
  }
  if (range.max !== undefined) {
    outside.push(range.max + 0.5);
    inside.push(range.max);
  }
  if (range.integer) outside.push((range.min ?? 0) + 1.5);
  return { outside, inside };
}

describe('each sampling option has one domain', () => {
  for (const [name, range] of Object.entries(SAMPLING_DOMAINS)) {
    const { outside, inside } = probes(range);
    it(`${name}: the pipeline and the processor reject the same values with the same message`, () => {
      for (const value of outside) {
        const message = thrownBy(() => resolveSamplingOptions({ [name]: value }));
        expect(message).toMatch(new RegExp(`^${name} must be `));
        // Temperature's processor divides, so its domain is the pipeline's without 0.
        expect(thrownBy(() => BUILD[name](value))).toBe(name === 'temperature' ? message.replace('>= 0', '> 0') : message);
      }
      for (const value of inside) {
        expect(() => resolveSamplingOptions({ [name]: value })).not.toThrow();
        // Temperature 0 is greedy to the pipeline, but a division to the processor (its own message).
        if (!(name === 'temperature' && value === 0)) expect(() => BUILD[name](value)).not.toThrow();
      }
    });
  }

  it('beam search takes the penalties with the same domains', () => {
    const base = { numBeams: 2, maxNewTokens: 2, promptIds: [0] };
    expect(() => initBeamSearch({ ...base, repetitionPenalty: 0 })).toThrow('repetitionPenalty must be a number > 0, got 0');
    expect(() => initBeamSearch({ ...base, noRepeatNgramSize: 1.5 })).toThrow('noRepeatNgramSize must be an integer >= 0, got 1.5');
  });

  it('temperature 0 gets the processor its own message', () => {
    expect(() => new TemperatureProcessor(0)).toThrow(/temperature 0 means greedy/);
  });
});
