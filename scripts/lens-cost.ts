/**
 * What adding the layer lens costs at load time, in time and memory, on an ONNX file:
 *   node --expose-gc --import tsx scripts/lens-cost.ts [model.onnx] [--pad-mb N]
 * (default: the bundled expert stripped of layer_logits, tests/.cache/lens/expert-plain.onnx,
 * which `npx vitest run tests/integration/lens-expert.test.ts` builds). --pad-mb adds an unused
 * initializer of N MB, to see how the cost grows with a model's size (reading skips weight data,
 * so it should not; the one copy should). Each phase is timed
 * over several runs (median); memory is what the process holds after each phase, with the
 * model's own bytes already loaded, so the numbers are the lens's additions to a load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findLayerLens } from '../src/lib/runtime/model/lens/find-lens';
import { layerLensFragment } from '../src/lib/runtime/model/lens/extend-lens';
import { readOnnxModel } from '../src/lib/runtime/model/lens/onnx-read';
import { appendToModel } from '../src/lib/runtime/model/lens/onnx-write';
import { WireWriter } from '../src/lib/runtime/model/lens/protobuf-wire';

const RUNS = 7;
const args = process.argv.slice(2);
const padAt = args.indexOf('--pad-mb');
const padMb = padAt >= 0 ? Number(args.splice(padAt, 2)[1]) : 0;
const path = args[0] ?? join(import.meta.dirname, '..', 'tests', '.cache', 'lens', 'expert-plain.onnx');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc so memory can be measured after collection');

/** The file, followed by a graph fragment holding one unused float initializer of `mb` MB. */
function padded(file: Uint8Array, mb: number): Uint8Array {
  if (mb <= 0) return file;
  const size = mb << 20;
  const tensor = new WireWriter().varint(1, size / 4).varint(2, 1).string(8, 'lens_cost_padding').bytes(9, new Uint8Array(size));
  return appendToModel(file, new WireWriter().message(7, new WireWriter().message(5, tensor)).finish());
}

const bytes = padded(new Uint8Array(readFileSync(path)), padMb);
const MB = (n: number) => `${(n / 2 ** 20).toFixed(2)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function memory() {
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

const times = { read: [] as number[], find: [] as number[], fragment: [] as number[], append: [] as number[] };
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const model = readOnnxModel(bytes);
  const t1 = performance.now();
  const plan = findLayerLens(model.graph);
  const t2 = performance.now();
  const fragment = layerLensFragment(model, plan);
  const t3 = performance.now();
  appendToModel(bytes, fragment);
  const t4 = performance.now();
  times.read.push(t1 - t0);
  times.find.push(t2 - t1);
  times.fragment.push(t3 - t2);
  times.append.push(t4 - t3);
  if (run === 0) console.log(`model ${MB(bytes.length)}, ${model.graph.nodes.length} nodes, ${plan.numLayers} blocks; fragment ${fragment.length} bytes`);
}
for (const [phase, list] of Object.entries(times)) console.log(`${phase.padEnd(8)} median ${median(list).toFixed(1)} ms (first run ${list[0].toFixed(1)} ms)`);
const totals = times.read.map((_, k) => times.read[k] + times.find[k] + times.fragment[k] + times.append[k]);
console.log(`total    median ${median(totals).toFixed(1)} ms`);

// Memory, in one pass of its own, holding what a loader would hold at each point.
const base = memory();
const model = readOnnxModel(bytes);
const plan = findLayerLens(model.graph);
const afterFind = memory();
const extended = appendToModel(bytes, layerLensFragment(model, plan));
const afterAppend = memory();
console.log(`graph structure and plan: heap +${MB(afterFind.heap - base.heap)}, array buffers +${MB(afterFind.buffers - base.buffers)}`);
console.log(`plus the extended copy (${MB(extended.length)}): heap +${MB(afterAppend.heap - base.heap)}, array buffers +${MB(afterAppend.buffers - base.buffers)}`);
