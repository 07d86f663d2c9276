import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainingCurve } from '../../../../src/lib/site/model-card';

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

  it("reads the bundled expert's card, whose curve reaches the step its shipped weights come from", () => {
    const folder = join(import.meta.dirname, '..', '..', '..', '..', 'public', 'models', 'expert');
    const card = readFileSync(join(folder, 'MODEL_CARD.md'), 'utf8');
    const { training_step: shippedStep } = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { training_step: number };
    const curve = parseTrainingCurve(card);
    expect(curve.length).toBeGreaterThan(10);
    expect(curve.map((p) => p.step)).toContain(shippedStep);
    expect(curve.every((p, i) => i === 0 || p.step > curve[i - 1].step)).toBe(true);
  });
});
