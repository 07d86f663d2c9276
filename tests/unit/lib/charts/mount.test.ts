// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MIN_WIDTH, mountChart, type ChartLoader } from '../../../../src/lib/charts';

/** jsdom lays nothing out and has no ResizeObserver: the element's width is set by hand, and each observer is kept to fire. */
const observers: Array<{ fire: () => void; disconnected: boolean }> = [];
class ManualResizeObserver {
  private entry: { fire: () => void; disconnected: boolean };
  constructor(callback: () => void) {
    this.entry = { fire: callback, disconnected: false };
    observers.push(this.entry);
  }
  observe(): void {}
  disconnect(): void {
    this.entry.disconnected = true;
  }
}

type Drawn = { data: string[]; options: { width: number; title: string } };
type Builder = (data: string[], options: { width?: number; title: string }) => Element;

/** A builder that draws a <p> saying what it was given, and counts its calls. */
function recordingLoader(name = 'chart'): ChartLoader<Builder> & { calls: Drawn[] } {
  const calls: Drawn[] = [];
  const build: Builder = (data, options) => {
    calls.push({ data, options: options as Drawn['options'] });
    const p = document.createElement('p');
    p.textContent = `${name}:${data.join(',')}@${options.width}`;
    return p;
  };
  return Object.assign(() => Promise.resolve(build), { calls });
}

function sizedElement(width: number): HTMLElement & { width: number } {
  const el = Object.assign(document.createElement('div'), { width });
  Object.defineProperty(el, 'clientWidth', { get: () => el.width });
  return el;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  observers.length = 0;
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver = ManualResizeObserver;
});
afterEach(() => {
  delete (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
});

describe('mountChart', () => {
  it('draws once its builder has loaded, at the element width but never below the minimum', async () => {
    const wide = sizedElement(500);
    const loader = recordingLoader();
    mountChart(wide, { chart: loader, data: ['a', 'b'], options: { title: 't' } });
    expect(wide.textContent).toBe('');
    await settle();
    expect(wide.textContent).toBe('chart:a,b@500');
    expect(loader.calls[0].options).toEqual({ title: 't', width: 500 });

    const narrow = sizedElement(100);
    mountChart(narrow, { chart: loader, data: ['a'], options: { title: 't' } });
    await settle();
    expect(narrow.textContent).toBe(`chart:a@${DEFAULT_MIN_WIDTH}`);
  });

  it('redraws on new data, empties on null, and redraws only when the width changes', async () => {
    const el = sizedElement(400);
    const loader = recordingLoader();
    const action = mountChart(el, { chart: loader, data: ['a'], options: { title: 't' } });
    await settle();
    action.update({ chart: loader, data: ['b'], options: { title: 't' } });
    expect(el.textContent).toBe('chart:b@400');
    action.update({ chart: loader, data: null, options: { title: 't' } });
    expect(el.childNodes).toHaveLength(0);
    action.update({ chart: loader, data: ['c'], options: { title: 't' }, minWidth: 600 });
    expect(el.textContent).toBe('chart:c@600');

    const before = loader.calls.length;
    observers[0].fire();
    expect(loader.calls).toHaveLength(before);
    el.width = 900;
    observers[0].fire();
    expect(el.textContent).toBe('chart:c@900');
  });

  it('a reply from a replaced builder is dropped', async () => {
    const el = sizedElement(400);
    let release: (b: Builder) => void = () => {};
    const slow: ChartLoader<Builder> = () => new Promise((resolve) => (release = resolve));
    const fast = recordingLoader('fast');
    const action = mountChart(el, { chart: slow, data: ['a'], options: { title: 't' } });
    action.update({ chart: fast, data: ['a'], options: { title: 't' } });
    await settle();
    expect(el.textContent).toBe('fast:a@400');
    release(() => document.createElement('hr'));
    await settle();
    expect(el.textContent).toBe('fast:a@400');
  });

  it('says so in the element when the builder cannot load', async () => {
    const el = sizedElement(400);
    const offline: ChartLoader<Builder> = () => Promise.reject(new Error('network down'));
    mountChart(el, { chart: offline, data: ['a'], options: { title: 't' } });
    await settle();
    expect(el.querySelector('.chart-error')?.textContent).toMatch(/could not load \(network down\).*Reload/);
  });

  it('stops drawing once destroyed', async () => {
    const el = sizedElement(400);
    const loader = recordingLoader();
    const action = mountChart(el, { chart: loader, data: ['a'], options: { title: 't' } });
    action.destroy();
    await settle();
    expect(loader.calls).toHaveLength(0);
    expect(observers[0].disconnected).toBe(true);
  });
});
