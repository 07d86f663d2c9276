/**
 * The benchmark's KV-cache measurement: the cost of producing the next token's logits at a given
 * context length, incrementally (one new token on a cache of the rest) and by recomputing the
 * whole context, on the same model in the same run, so their ratio is meaningful.
 */
import type { ForwardTimings } from '../protocol';
import type { LoadedRegistryModel } from './loader';
import { cancelledError, RuntimeError } from '../errors';

const MAX_REPEATS = 100;
/** Untimed one-token runs before the timed ones. */
const WARM_RUNS = 2;

export async function measureForward(
  loaded: LoadedRegistryModel,
  contextTokens: number,
  repeats: number,
  signal: AbortSignal,
  bareOnly = false,
): Promise<ForwardTimings> {
  const { model } = loaded;
  const limit = model.info.contextLength;
  if (!Number.isInteger(contextTokens) || contextTokens < 2 || contextTokens > limit) {
    throw new RuntimeError({
      kind: 'invalid-request',
      message: `The measured context must be a whole number from 2 to ${limit}, got ${String(contextTokens)}.`,
      action: 'Choose a context the model can read.',
    });
  }
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > MAX_REPEATS) {
    throw new RuntimeError({
      kind: 'invalid-request',
      message: `Repeats must be a whole number from 1 to ${MAX_REPEATS}, got ${String(repeats)}.`,
      action: 'Choose fewer repeats.',
    });
  }
  // A fixed, ordinary-looking token sequence (no special tokens): the cost does not depend on it.
  const ids = Array.from({ length: contextTokens }, (_, i) => 300 + ((i * 37) % Math.max(1, model.info.vocabSize - 300)));
  const prefix = await model.forward([ids.slice(0, -1)], null);
  const cachedMs: number[] = [];
  const recomputeMs: number[] = [];
  const last = [[ids[ids.length - 1]]];
  // A decoding step's cache storage comes from what the step before released (the model's buffer
  // pool); the untimed runs put storage of this size in the pool, as a step at this length has.
  for (let w = 0; w < WARM_RUNS; w++) model.disposeCache((await model.forward(last, prefix.cache)).cache);
  // The bare run alone leaves out the recomputation's large fresh allocations, which would slow
  // whatever the benchmark times next.
  for (let r = 0; r < (bareOnly ? 0 : repeats); r++) {
    if (signal.aborted) throw new RuntimeError(cancelledError('The measurement'));
    let start = performance.now();
    const step = await model.forward(last, prefix.cache);
    cachedMs.push(performance.now() - start);
    model.disposeCache(step.cache);
    start = performance.now();
    const whole = await model.forward([ids], null);
    recomputeMs.push(performance.now() - start);
    model.disposeCache(whole.cache);
  }
  const bareRunMs = await model.timeBareRun(last, prefix.cache, repeats);
  model.disposeCache(prefix.cache);
  return { contextTokens, cachedMs, recomputeMs, bareRunMs };
}
