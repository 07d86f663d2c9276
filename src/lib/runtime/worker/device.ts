/**
 * Which device a model runs on, and why. WebGPU needs navigator.gpu (a secure context, and a
 * browser that has it) and an adapter; WASM runs everywhere in a browser; Node runs on
 * onnxruntime-node's CPU backend.
 */
import type { DeviceChoice, DevicePreference } from '../protocol';

/** Thrown when WebGPU was demanded and cannot be had. */
export class DeviceUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeviceUnavailable';
  }
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
}

export interface DeviceEnvironment {
  isNode: boolean;
  gpu: GpuLike | undefined;
}

export function currentEnvironment(): DeviceEnvironment {
  const isNode = typeof process !== 'undefined' && process.release?.name === 'node';
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return { isNode, gpu: nav?.gpu };
}

function adapterName(adapter: NonNullable<Awaited<ReturnType<GpuLike['requestAdapter']>>>): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.description].filter((part) => part && part.length > 0);
  return parts.length > 0 ? parts.join(' ') : 'an unnamed adapter';
}

export async function chooseDevice(preference: DevicePreference, environment: DeviceEnvironment): Promise<DeviceChoice> {
  if (environment.isNode) {
    if (preference === 'webgpu') throw new DeviceUnavailable('WebGPU is not available in Node.js; use the CPU (auto or wasm).');
    return { device: 'cpu', reason: "Node.js runs models on onnxruntime-node's CPU backend." };
  }
  if (preference === 'wasm') return { device: 'wasm', reason: 'WASM was chosen.' };

  let unavailable: string;
  if (!environment.gpu) {
    unavailable = 'This browser offers no WebGPU here (navigator.gpu is missing; it needs a recent browser and an https page).';
  } else {
    let adapter: Awaited<ReturnType<GpuLike['requestAdapter']>> = null;
    let failure = '';
    try {
      adapter = await environment.gpu.requestAdapter();
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (adapter) {
      const how = preference === 'webgpu' ? 'WebGPU was chosen' : 'WebGPU is available';
      return { device: 'webgpu', reason: `${how} (${adapterName(adapter)}).` };
    }
    unavailable = failure
      ? `WebGPU could not find a graphics adapter (${failure}).`
      : 'WebGPU is present but found no usable graphics adapter (it may be blocked or disabled).';
  }
  if (preference === 'webgpu') throw new DeviceUnavailable(unavailable);
  return { device: 'wasm', reason: `${unavailable} Running on WASM instead.` };
}
