/**
 * Notices when the GPU device onnxruntime-web runs WebGPU models on is lost (a driver reset, the
 * GPU removed or reclaimed by the browser). onnxruntime keeps its device in env.webgpu.device
 * once a WebGPU session exists; its `lost` promise settles when the device goes. After that the
 * models on it fail on every run, and onnxruntime's WebAssembly state with them (seen: a model
 * loaded afterwards on WASM in the same worker failed too), so the worker must be replaced.
 */
import { env } from '@huggingface/transformers';

interface LostInfo {
  reason?: string;
  message?: string;
}

interface DeviceLike {
  lost?: Promise<LostInfo>;
}

const watched = new WeakSet<object>();

/**
 * Calls `onLost` once when the device of the WebGPU sessions created so far is lost. Call it
 * after a model loaded on WebGPU; a device already watched is not watched twice.
 */
export async function watchGpuDevice(onLost: (reason: string) => void): Promise<void> {
  const webgpu = (env.backends.onnx as { webgpu?: { device?: unknown } }).webgpu;
  // A plain GPUDevice in onnxruntime's WebGPU build, a promise of one in its JSEP build.
  const device = (await webgpu?.device) as DeviceLike | undefined;
  if (!device?.lost || watched.has(device)) return;
  watched.add(device);
  const info = await device.lost;
  onLost([info.reason, info.message].filter((part) => part && part.length > 0).join(': ') || 'no reason given');
}
