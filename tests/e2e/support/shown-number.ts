import { expect, type Locator } from '@playwright/test';

/**
 * A number the page shows rounded to `digits` decimals, checked against the value the Node
 * sessions computed. The page runs onnxruntime-web (WASM), the reference onnxruntime-node; their
 * float32 results agree to about 1e-6, so a value that close to a rounding boundary can round
 * either way (3.59385 shows as 3.5939 in one and 3.5938 in the other). Anything further off fails.
 */
export async function expectShownNumber(cell: Locator, value: number, digits: number): Promise<void> {
  const pattern = new RegExp(`[−-]?\\d+\\.\\d{${digits}}(?!\\d)`);
  const tolerance = 0.5 * 10 ** -digits + 2e-5 * Math.max(1, Math.abs(value));
  await expect
    .poll(async () => {
      const shown = ((await cell.textContent()) ?? '').match(pattern)?.[0].replace('−', '-');
      return shown === undefined ? Number.NaN : Math.abs(Number(shown) - value);
    }, { message: `${await cell.textContent()} should show ${value.toFixed(digits)}` })
    .toBeLessThanOrEqual(tolerance);
}
