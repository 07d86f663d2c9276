/**
 * Graphs for the layer-lens tests, made with the onnx Python package (CI has python3-onnx, not
 * PyTorch) so that what the lens reads and what it is checked against come from independent code.
 *
 * plainExpertPath(): the bundled expert without its layer_logits branch, the form published
 * exports have (training/strip_layer_logits.py). It is derived, not committed: 23 MB that would
 * duplicate public/models/expert byte for byte but for one node. It is rebuilt into the
 * git-ignored tests/.cache/lens/ whenever the expert or the script is newer than the copy.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const CACHE = join(ROOT, 'tests', '.cache', 'lens');
export const EXPERT_ONNX = join(ROOT, 'public', 'models', 'expert', 'onnx', 'model.onnx');
const STRIP_SCRIPT = join(ROOT, 'training', 'strip_layer_logits.py');
const FUSE_SCRIPT = join(ROOT, 'training', 'fuse_layer_norms.py');

function newerThan(target: string, sources: string[]): boolean {
  if (!existsSync(target)) return false;
  const built = statSync(target).mtimeMs;
  return sources.every((s) => statSync(s).mtimeMs <= built);
}

export function plainExpertPath(): string {
  const out = join(CACHE, 'expert-plain.onnx');
  if (!newerThan(out, [EXPERT_ONNX, STRIP_SCRIPT])) {
    mkdirSync(CACHE, { recursive: true });
    execFileSync(PYTHON, [STRIP_SCRIPT, EXPERT_ONNX, out], { cwd: join(ROOT, 'training'), stdio: 'pipe' });
  }
  return out;
}

/**
 * The plain expert in GPT-2's fused form (training/fuse_layer_norms.py): every LayerNorm after a
 * residual sum is one SkipLayerNormalization whose output 3 is the sum. Derived like the plain one.
 */
export function fusedExpertPath(): string {
  const plain = plainExpertPath();
  const out = join(CACHE, 'expert-fused.onnx');
  if (!newerThan(out, [plain, FUSE_SCRIPT])) {
    execFileSync(PYTHON, [FUSE_SCRIPT, plain, out], { cwd: join(ROOT, 'training'), stdio: 'pipe' });
  }
  return out;
}

/** What the onnx Python package reads from a model: the same fields as src/.../lens/onnx-read.ts. */
export interface PythonOnnxSummary {
  ir_version: number;
  opsets: [string, number][];
  nodes: { name: string; op_type: string; domain: string; input: string[]; output: string[]; attributes: string[] }[];
  initializers: { name: string; dims: number[]; data_type: number }[];
  inputs: { name: string; elem_type: number; dims: (number | string | null)[] | null }[];
  outputs: { name: string; elem_type: number; dims: (number | string | null)[] | null }[];
}

const SUMMARY = `
import json, sys, onnx
m = onnx.load(sys.argv[1], load_external_data=False)
def dims(v):
    t = v.type.tensor_type
    if not t.HasField('shape'):
        return None
    return [d.dim_value if d.HasField('dim_value') else (d.dim_param if d.HasField('dim_param') else None) for d in t.shape.dim]
g = m.graph
print(json.dumps({
    'ir_version': m.ir_version,
    'opsets': [[o.domain if o.domain != 'ai.onnx' else '', o.version] for o in m.opset_import],
    'nodes': [{'name': n.name, 'op_type': n.op_type, 'domain': n.domain, 'input': list(n.input),
               'output': list(n.output), 'attributes': [a.name for a in n.attribute]} for n in g.node],
    'initializers': [{'name': i.name, 'dims': list(i.dims), 'data_type': i.data_type} for i in g.initializer],
    'inputs': [{'name': v.name, 'elem_type': v.type.tensor_type.elem_type, 'dims': dims(v)} for v in g.input],
    'outputs': [{'name': v.name, 'elem_type': v.type.tensor_type.elem_type, 'dims': dims(v)} for v in g.output],
}))
`;

export function pythonOnnxSummary(path: string): PythonOnnxSummary {
  const text = execFileSync(PYTHON, ['-c', SUMMARY, path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(text) as PythonOnnxSummary;
}
