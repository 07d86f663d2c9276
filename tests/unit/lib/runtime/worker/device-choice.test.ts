/**
 * Which device a browser model runs on, with a stand-in navigator.gpu: a missing WebGPU, an
 * adapter request that fails or finds nothing, and an adapter that cannot create a device all end
 * on WASM with the reason (or a device error when WebGPU was demanded), and the device is tried
 * before onnxruntime sees it.
 */
import { describe, expect, it } from 'vitest';
import { chooseDevice, DeviceUnavailable, type DeviceEnvironment } from '../../../../../src/lib/runtime/worker/device';

interface Probe {
  adapterRequests: number;
  deviceRequests: number;
  destroyed: number;
}

function browserWith(adapter: 'ok' | 'none' | 'rejects', device: 'ok' | 'rejects' = 'ok'): { environment: DeviceEnvironment; probe: Probe } {
  const probe: Probe = { adapterRequests: 0, deviceRequests: 0, destroyed: 0 };
  const gpu = {
    requestAdapter: async () => {
      probe.adapterRequests++;
      if (adapter === 'rejects') throw new Error('adapter request blocked');
      if (adapter === 'none') return null;
      return {
        info: { vendor: 'acme', architecture: 'tiny' },
        requestDevice: async () => {
          probe.deviceRequests++;
          if (device === 'rejects') throw new Error('device creation refused');
          return { destroy: () => void probe.destroyed++ };
        },
      };
    },
  };
  return { environment: { isNode: false, gpu }, probe };
}

describe('chooseDevice in a browser', () => {
  it('picks WebGPU when a device can be created on the adapter, and lets the trial device go', async () => {
    const { environment, probe } = browserWith('ok');
    expect(await chooseDevice('auto', environment)).toEqual({ device: 'webgpu', reason: 'WebGPU is available (acme tiny).' });
    expect(probe).toEqual({ adapterRequests: 1, deviceRequests: 1, destroyed: 1 });
    // The answer is kept for the worker's life: no second trial device.
    expect((await chooseDevice('webgpu', environment)).reason).toBe('WebGPU was chosen (acme tiny).');
    expect(probe.deviceRequests).toBe(1);
  });

  it('falls back to WASM, saying why, when the adapter cannot create a device', async () => {
    const { environment } = browserWith('ok', 'rejects');
    expect(await chooseDevice('auto', environment)).toEqual({
      device: 'wasm',
      reason: 'WebGPU found a graphics adapter (acme tiny) but could not create a device on it (device creation refused). Running on WASM instead.',
    });
    await expect(chooseDevice('webgpu', environment)).rejects.toThrow(DeviceUnavailable);
  });

  it('falls back to WASM when the adapter request fails or finds nothing, or navigator.gpu is missing', async () => {
    expect((await chooseDevice('auto', browserWith('rejects').environment)).reason).toBe(
      'WebGPU could not find a graphics adapter (adapter request blocked). Running on WASM instead.',
    );
    expect((await chooseDevice('auto', browserWith('none').environment)).reason).toMatch(/^WebGPU is present but found no usable graphics adapter/);
    const missing = await chooseDevice('auto', { isNode: false, gpu: undefined });
    expect(missing.device).toBe('wasm');
    expect(missing.reason).toMatch(/navigator\.gpu is missing.*Running on WASM instead\.$/);
    await expect(chooseDevice('webgpu', { isNode: false, gpu: undefined })).rejects.toThrow(/navigator\.gpu is missing/);
  });

  it('does not touch WebGPU when WASM is chosen', async () => {
    const { environment, probe } = browserWith('ok');
    expect(await chooseDevice('wasm', environment)).toEqual({ device: 'wasm', reason: 'WASM was chosen.' });
    expect(probe.adapterRequests).toBe(0);
  });
});
