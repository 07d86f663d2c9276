/**
 * Notices when the GPU device onnxruntime-web runs WebGPU models on is lost (a driver reset, the
 * GPU removed or reclaimed by the browser). onnxruntime keeps its device in env.webgpu.device
 * once a WebGPU session exists; its `lost` promise settles when the device goes. After that
 * every run of the models on it fails, and the worker is replaced rather than trusted again:
 * onnxruntime's WebGPU state after a loss is not something to build on, and a fresh worker also
 * frees what the old one held.
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
