/**
 * Reads the training curve out of a bundled model's card (the markdown table training/ writes
 * under "Training curve"), so the Models chapter can chart the same numbers the card lists.
 */

export interface CurvePoint {
  step: number;
  tokens: number;
  trainLoss: number;
  heldOutLoss: number;
}

function number(cell: string): number {
  return Number(cell.replace(/[,\s]/g, ''));
}

/** The rows of the first table after a line starting with "Training curve"; [] when there is none. */
export function parseTrainingCurve(markdown: string): CurvePoint[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('Training curve'));
  if (start < 0) return [];
  const points: CurvePoint[] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('|')) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cells = trimmed.slice(1, -1).split('|').map((c) => c.trim());
    const [step, tokens, train, heldOut] = cells.map(number);
    if ([step, tokens, train, heldOut].every(Number.isFinite)) points.push({ step, tokens, trainLoss: train, heldOutLoss: heldOut });
  }
  return points;
}
