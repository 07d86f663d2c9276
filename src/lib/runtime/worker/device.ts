/**
 * Which device a model runs on, and why. WebGPU needs navigator.gpu (a secure context, and a
 * browser that has it), an adapter, and a device created on it; WASM runs everywhere in a
 * browser; Node runs on onnxruntime-node's CPU backend.
 *
 * The device is tried here, before onnxruntime sees WebGPU: onnxruntime-web (1.31) does not
 * come back from a requestDevice that fails inside it (seen here: its load failed with a bare
 * number for an error, or never settled), so a failure there could not fall back to WASM.
 */
import type { DeviceChoice, DevicePreference } from '../protocol';

/** Thrown when WebGPU was demanded and cannot be had. */
export class DeviceUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeviceUnavailable';
  }
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string };
  requestDevice?(): Promise<{ destroy?(): void }>;
}

interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
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

function adapterName(adapter: GpuAdapterLike): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.description].filter((part) => part && part.length > 0);
  return parts.length > 0 ? parts.join(' ') : 'an unnamed adapter';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The adapter's name when WebGPU can run here, else why not. */
type GpuCheck = { usable: true; adapter: string } | { usable: false; why: string };

async function checkGpu(gpu: GpuLike | undefined): Promise<GpuCheck> {
  if (!gpu) {
    return { usable: false, why: 'This browser offers no WebGPU here (navigator.gpu is missing; it needs a recent browser and an https page).' };
  }
  let adapter: GpuAdapterLike | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return { usable: false, why: `WebGPU could not find a graphics adapter (${messageOf(error)}).` };
  }
  if (!adapter) return { usable: false, why: 'WebGPU is present but found no usable graphics adapter (it may be blocked or disabled).' };
  const name = adapterName(adapter);
  if (adapter.requestDevice) {
    try {
      // A trial device, let go at once: onnxruntime requests its own.
      (await adapter.requestDevice()).destroy?.();
    } catch (error) {
      return { usable: false, why: `WebGPU found a graphics adapter (${name}) but could not create a device on it (${messageOf(error)}).` };
    }
  }
  return { usable: true, adapter: name };
}

/** One check per navigator.gpu: the answer does not change while the worker lives. */
const checks = new WeakMap<GpuLike, Promise<GpuCheck>>();

export async function chooseDevice(preference: DevicePreference, environment: DeviceEnvironment): Promise<DeviceChoice> {
  if (environment.isNode) {
    if (preference === 'webgpu') throw new DeviceUnavailable('WebGPU is not available in Node.js; use the CPU (auto or wasm).');
    return { device: 'cpu', reason: "Node.js runs models on onnxruntime-node's CPU backend." };
  }
  if (preference === 'wasm') return { device: 'wasm', reason: 'WASM was chosen.' };

  const { gpu } = environment;
  let check: Promise<GpuCheck>;
  if (gpu) {
    check = checks.get(gpu) ?? checkGpu(gpu);
    checks.set(gpu, check);
  } else {
    check = checkGpu(undefined);
  }
  const result = await check;
  if (result.usable) {
    const how = preference === 'webgpu' ? 'WebGPU was chosen' : 'WebGPU is available';
    return { device: 'webgpu', reason: `${how} (${result.adapter}).` };
  }
  if (preference === 'webgpu') throw new DeviceUnavailable(result.why);
  return { device: 'wasm', reason: `${result.why} Running on WASM instead.` };
}
