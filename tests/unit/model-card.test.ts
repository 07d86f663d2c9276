import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainingCurve } from '../../src/lib/site/model-card';

describe('parseTrainingCurve', () => {
  it('reads the rows of the table under "Training curve" and skips its header', () => {
    const markdown = [
      '## Training',
      'Training curve (quick held-out loss):',
      '',
      '| step | tokens seen | train loss | held-out loss (quick) | elapsed |',
      '|---:|---:|---:|---:|---:|',
      '| 50 | 102,400 | 7.660 | 6.930 | 2.2 min |',
      '| 100 | 204,800 | 6.622 | 6.407 | 5.0 min |',
      '',
      '| other | table |',
    ].join('\n');
    expect(parseTrainingCurve(markdown)).toEqual([
      { step: 50, tokens: 102400, trainLoss: 7.66, heldOutLoss: 6.93 },
      { step: 100, tokens: 204800, trainLoss: 6.622, heldOutLoss: 6.407 },
    ]);
  });

  it('gives nothing without such a table', () => {
    expect(parseTrainingCurve('# A card\n\n| a | b |\n|---|---|\n| 1 | 2 |')).toEqual([]);
  });

  it('reads every bundled card, ending at the step the card reports', () => {
    const card = readFileSync(join(import.meta.dirname, '..', '..', 'public', 'models', 'expert', 'MODEL_CARD.md'), 'utf8');
    const curve = parseTrainingCurve(card);
    expect(curve.length).toBeGreaterThan(10);
    expect(curve.at(-1)?.step).toBe(1486);
    expect(curve.every((p, i) => i === 0 || p.step > curve[i - 1].step)).toBe(true);
  });
});
