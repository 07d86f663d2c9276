import { describe, expect, it } from 'vitest';
import { bytesFromListing, downloadSize, listingUrl, weightFile } from '../../../../src/lib/runtime/hub-listing';
import { findModel } from '../../../../src/lib/runtime/registry';

/** The shape the Hub's tree API answers with (directories, plain files, LFS files with their own size). */
const LISTING = [
  { type: 'directory', oid: 'a', size: 0, path: 'onnx' },
  { type: 'file', oid: 'b', size: 861, path: 'config.json' },
  { type: 'file', oid: 'c', size: 132, path: 'generation_config.json' },
  { type: 'file', oid: 'd', size: 2_104_556, path: 'tokenizer.json' },
  { type: 'file', oid: 'e', size: 3_764, path: 'tokenizer_config.json' },
  { type: 'file', oid: 'f', size: 1_021, path: 'README.md' },
  { type: 'file', oid: 'g', size: 134, path: 'onnx/model.onnx', lfs: { oid: 'x', size: 1_447_000_000, pointerSize: 134 } },
  { type: 'file', oid: 'h', size: 134, path: 'onnx/model_q4.onnx', lfs: { oid: 'y', size: 177_000_000, pointerSize: 134 } },
  { type: 'file', oid: 'i', size: 134, path: 'onnx/model_fp16.onnx', lfs: { oid: 'z', size: 300_000 } },
  { type: 'file', oid: 'j', size: 134, path: 'onnx/model_fp16.onnx_data', lfs: { oid: 'w', size: 700_000_000 } },
];
const CONFIGS = 861 + 132 + 2_104_556 + 3_764;

describe("a Hub model's download size", () => {
  it('sums the config and tokenizer files and the weights of the dtype, LFS sizes over pointer sizes', () => {
    expect(weightFile('q4')).toBe('onnx/model_q4.onnx');
    expect(bytesFromListing(LISTING, 'q4')).toBe(CONFIGS + 177_000_000);
    expect(bytesFromListing(LISTING, 'fp32')).toBe(CONFIGS + 1_447_000_000);
  });

  it('counts the external-data parts beside the weights', () => {
    expect(bytesFromListing(LISTING, 'fp16')).toBe(CONFIGS + 300_000 + 700_000_000);
  });

  it('says nothing when the listing lacks the weights or is not a listing', () => {
    expect(bytesFromListing(LISTING, 'q8')).toBeNull();
    expect(bytesFromListing({ error: 'Repository not found' }, 'q4')).toBeNull();
  });

  it('asks the Hub tree API of the repository and revision', async () => {
    const entry = findModel('smollm2-360m')!;
    const asked: string[] = [];
    const fetchListing = (async (url: string) => {
      asked.push(url);
      return new Response(JSON.stringify(LISTING), { status: 200 });
    }) as typeof fetch;
    expect(await downloadSize(entry, fetchListing)).toEqual({ bytes: CONFIGS + 177_000_000, source: 'hub-listing' });
    expect(asked).toEqual([listingUrl('HuggingFaceTB/SmolLM2-360M-Instruct', 'main')]);
    expect(asked[0]).toBe('https://huggingface.co/api/models/HuggingFaceTB/SmolLM2-360M-Instruct/tree/main?recursive=true');
  });

  it("falls back to the registry's figure, and says so, when the Hub does not answer usefully", async () => {
    const entry = findModel('smollm2-360m')!;
    const registry = { bytes: entry.downloadBytes, source: 'registry' };
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await downloadSize(entry, failing)).toEqual(registry);
    expect(await downloadSize(entry, (async () => new Response('no', { status: 404 })) as typeof fetch)).toEqual(registry);
    expect(await downloadSize(entry, (async () => new Response('[]', { status: 200 })) as typeof fetch)).toEqual(registry);
    const bundled = findModel('expert')!;
    expect(await downloadSize(bundled, failing)).toEqual({ bytes: bundled.downloadBytes, source: 'registry' });
  });
});
