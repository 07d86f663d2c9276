/**
 * Beam search as a pure state machine (ALGORITHMS.md section 1, Hugging Face transformers'
 * beam search with its default `early_stopping=False`).
 *
 * The session drives it: `initBeamSearch(options)` gives a state with one running beam (the
 * prompt); for each step the caller runs the model on every running beam, passes one row of
 * logits per beam to `beamSearchStep`, and gets a new state (the old one is untouched) and a
 * trace. `trace.beamIndices[i]` is the index, in the previous `state.running`, of the beam that
 * new beam i extends: reorder the KV cache with `newCache[i] = oldCache[beamIndices[i]]`.
 *
 * One step, with B = numBeams and L = the number of tokens generated so far, EOS included:
 * 1. each running beam's row becomes log-probabilities (after the optional penalties), which are
 *    added to the beam's cumulative log-probability;
 * 2. the best 2B (beam, token) candidates over all beams are considered, best first; ties go to
 *    the lower beam index, then the lower token id;
 * 3. a candidate ending in EOS among the first B becomes a finished hypothesis scored
 *    `sum log p / L^lengthPenalty`; the B best hypotheses are kept (a new one must beat the worst
 *    strictly). An EOS candidate ranked B or lower is dropped, as in transformers;
 * 4. the first B non-EOS candidates become the running beams, ranked by cumulative
 *    log-probability WITHOUT the length penalty.
 * Done-ness: after `maxNewTokens` steps (the running beams then become hypotheses too, finish
 * reason 'length'); when no candidate can continue; or by transformers' `early_stopping=False`
 * heuristic: B hypotheses exist and the worst of them scores >= best running cumulative
 * log-probability / L^lengthPenalty. This is transformers' rule (`_check_early_stop_heuristic` in
 * its current beam search: the best *running* beam's score at the current length against the
 * worst finished score). It is a heuristic, not a bound: with lengthPenalty > 0 a beam that keeps
 * going can still improve its normalised score. (Older transformers releases, before its beam-search
 * rewrite compared with the best of all 2B candidates instead, which may be an EOS candidate.)
 *
 * The trace carries the beam tree for a widget: every considered candidate is a node, and a node
 * is `pruned` once no running beam or kept hypothesis descends from it. Everything is JSON-clean.
 *
 * Penalties (repetition penalty, no-repeat n-gram) may be applied to each beam's row with the
 * options of the same names; the context is `promptIds` plus the beam's tokens. They act on
 * logits before the log-softmax, so the beam scores are log-probabilities of the penalised
 * distribution (transformers applies them to the log-probabilities instead, unnormalised).
 */
import { checkRow, NoRepeatNgramProcessor, RepetitionPenaltyProcessor, type LogitsProcessor } from './processors';
import { requireSamplingOption } from './processors/domains';
import { requireInRange } from './validate';

export interface BeamSearchOptions {
  /** B, an integer >= 1. B = 1 is greedy search. */
  numBeams: number;
  /** The most tokens a hypothesis may generate, an integer >= 1. */
  maxNewTokens: number;
  /** Exponent of the length in the finished score `sum log p / L^lengthPenalty`; default 1. */
  lengthPenalty?: number;
  /**
   * The end-of-sequence token, or several (any of them ends a hypothesis, as in transformers);
   * absent or null: hypotheses only end at maxNewTokens.
   */
  eosTokenId?: number | readonly number[] | null;
  /** The prompt, used only as context for the penalties; default []. */
  promptIds?: readonly number[];
  /** Repetition penalty on each beam's row (> 0; default 1, off). */
  repetitionPenalty?: number;
  /** No-repeat n-gram size on each beam's row (integer >= 0; default 0, off). */
  noRepeatNgramSize?: number;
}

export interface ResolvedBeamSearchOptions {
  numBeams: number;
  maxNewTokens: number;
  lengthPenalty: number;
  /** Empty when hypotheses end only at maxNewTokens. */
  eosTokenIds: number[];
  promptIds: number[];
  repetitionPenalty: number;
  noRepeatNgramSize: number;
}

export type FinishReason = 'eos' | 'length';

/** One node of the beam tree. Node ids are indices into `tree`; the root (id 0) is the prompt. */
export interface BeamNode {
  id: number;
  parentId: number | null;
  /** The token this node appends; null for the root. */
  token: number | null;
  /** log p(token | parent's sequence). 0 for the root. */
  logprob: number;
  cumulativeLogprob: number;
  /** Number of generated tokens up to and including this node (0 for the root). */
  step: number;
  /** Whether this node was scored as a finished hypothesis (ended by EOS or by maxNewTokens). */
  finished: boolean;
  /** Whether no running beam and no kept hypothesis descends from (or is) this node. */
  pruned: boolean;
  /** The length-penalised score, for finished nodes; null otherwise. */
  score: number | null;
  finishReason: FinishReason | null;
}

export interface RunningBeam {
  /** Generated tokens (the prompt is not included). */
  tokens: number[];
  cumulativeLogprob: number;
  nodeId: number;
}

export interface BeamHypothesis {
  tokens: number[];
  cumulativeLogprob: number;
  /** L: generated tokens, EOS included. */
  length: number;
  /** cumulativeLogprob / length^lengthPenalty. */
  score: number;
  nodeId: number;
  /** null only for a running beam that `bestHypothesis` reports before anything finished. */
  finishReason: FinishReason | null;
}

export type BeamDoneReason = 'max-new-tokens' | 'no-better-possible' | 'no-candidates';

export interface BeamSearchState {
  options: ResolvedBeamSearchOptions;
  /** Tokens generated so far by each running beam. */
  step: number;
  /** Running beams, best cumulative log-probability first; empty once done. */
  running: RunningBeam[];
  /** At most numBeams hypotheses, best score first (earlier first among ties). */
  finished: BeamHypothesis[];
  done: boolean;
  doneReason: BeamDoneReason | null;
  tree: BeamNode[];
}

export interface BeamCandidate {
  /** Position among the considered 2B candidates, 0 = best. */
  rank: number;
  /** Index of the beam it extends, in the previous state's `running`. */
  sourceBeam: number;
  token: number;
  logprob: number;
  cumulativeLogprob: number;
  /**
   * 'running': a new beam; 'finished': a kept hypothesis (ended by EOS, or a beam that reached
   * maxNewTokens); 'dropped': considered, not kept.
   */
  outcome: 'running' | 'finished' | 'dropped';
  /** The length-penalised score where it was scored as a hypothesis; null otherwise. */
  score: number | null;
  nodeId: number;
}

export interface BeamStepTrace {
  /** The step just taken: generated tokens per beam after it. */
  step: number;
  /**
   * For each beam formed this step, the index of its source beam in the previous `running`
   * (reorder the KV cache with it). When the step ends the search, `running` is empty.
   */
  beamIndices: number[];
  candidates: BeamCandidate[];
  running: RunningBeam[];
  finished: BeamHypothesis[];
  done: boolean;
  doneReason: BeamDoneReason | null;
  /** The whole tree after this step (nodes are never edited in place; changed ones are replaced). */
  tree: BeamNode[];
}

export interface BeamStepResult {
  state: BeamSearchState;
  trace: BeamStepTrace;
}

function resolveBeamOptions(options: BeamSearchOptions): ResolvedBeamSearchOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('beam search options must be an object');
  const eos = options.eosTokenId ?? null;
  const eosIds: unknown[] = eos === null ? [] : Array.isArray(eos) ? eos : [eos];
  const promptIds = [...(options.promptIds ?? [])];
  for (const id of promptIds) {
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`promptIds must hold integer token ids >= 0, got ${String(id)}`);
  }
  return {
    numBeams: requireInRange('numBeams', options.numBeams, { min: 1, integer: true }),
    maxNewTokens: requireInRange('maxNewTokens', options.maxNewTokens, { min: 1, integer: true }),
    lengthPenalty: requireInRange('lengthPenalty', options.lengthPenalty ?? 1, {}),
    eosTokenIds: eosIds.map((id) => requireInRange('eosTokenId', id as number, { min: 0, integer: true })),
    promptIds,
    repetitionPenalty: requireSamplingOption('repetitionPenalty', options.repetitionPenalty ?? 1),
    noRepeatNgramSize: requireSamplingOption('noRepeatNgramSize', options.noRepeatNgramSize ?? 0),
  };
}

/** A fresh search: one running beam (the prompt, no generated tokens) and the tree's root. */
export function initBeamSearch(options: BeamSearchOptions): BeamSearchState {
  const resolved = resolveBeamOptions(options);
  const root: BeamNode = {
    id: 0,
    parentId: null,
    token: null,
    logprob: 0,
    cumulativeLogprob: 0,
    step: 0,
    finished: false,
    pruned: false,
    score: null,
    finishReason: null,
  };
  return {
    options: resolved,
    step: 0,
    running: [{ tokens: [], cumulativeLogprob: 0, nodeId: 0 }],
    finished: [],
    done: false,
    doneReason: null,
    tree: [root],
  };
}

/** `cumulative / L^lengthPenalty`, the score a hypothesis of L generated tokens finishes with. */
export function lengthPenalizedScore(cumulativeLogprob: number, length: number, lengthPenalty: number): number {
  return cumulativeLogprob / length ** lengthPenalty;
}

interface Candidate {
  beam: number;
  token: number;
  logprob: number;
  total: number;
}

/** Inserts `c` into `best` (sorted by total descending, earlier first among ties), capped at `cap`. */
function offer(best: Candidate[], c: Candidate, cap: number): void {
  if (best.length === cap && !(c.total > best[cap - 1].total)) return;
  let lo = 0;
  let hi = best.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (best[mid].total >= c.total) lo = mid + 1;
    else hi = mid;
  }
  best.splice(lo, 0, c);
  if (best.length > cap) best.pop();
}

/**
 * Adds a hypothesis to `finished` (best first, stable) if there is room or it beats the worst
 * strictly; keeps at most `cap`. Returns whether it was added.
 */
function addHypothesis(finished: BeamHypothesis[], hyp: BeamHypothesis, cap: number): boolean {
  if (finished.length >= cap && !(hyp.score > finished[finished.length - 1].score)) return false;
  let i = finished.length;
  while (i > 0 && finished[i - 1].score < hyp.score) i--;
  finished.splice(i, 0, hyp);
  if (finished.length > cap) finished.pop();
  return true;
}

function beamProcessors(o: ResolvedBeamSearchOptions): LogitsProcessor[] {
  const list: LogitsProcessor[] = [];
  if (o.repetitionPenalty !== 1) list.push(new RepetitionPenaltyProcessor(o.repetitionPenalty));
  if (o.noRepeatNgramSize !== 0) list.push(new NoRepeatNgramProcessor(o.noRepeatNgramSize));
  return list;
}

/** Marks `pruned` on every node no live node descends from; replaces only the nodes that change. */
function updatePruned(tree: BeamNode[], live: readonly number[]): BeamNode[] {
  const alive = new Uint8Array(tree.length);
  for (let id of live) {
    while (!alive[id]) {
      alive[id] = 1;
      const parent = tree[id].parentId;
      if (parent === null) break;
      id = parent;
    }
  }
  return tree.map((node) => (node.pruned === !alive[node.id] ? node : { ...node, pruned: !alive[node.id] }));
}

/**
 * One step of beam search: `logitsPerBeam[i]` is the model's next-token logits for
 * `state.running[i]`. Returns the new state and the step's trace; `state` is not modified.
 */
export function beamSearchStep(state: BeamSearchState, logitsPerBeam: readonly Float32Array[]): BeamStepResult {
  if (state.done) throw new Error(`beam search is already done (${String(state.doneReason)}); start a new one with initBeamSearch`);
  checkBeamRows(state, logitsPerBeam);
  const step = state.step + 1;
  const best = bestCandidates(state, logitsPerBeam);
  const placed = placeCandidates(state, best, step);
  const doneReason = finishIfDone(state, placed, step);
  const done = doneReason !== null;
  const nextRunning = done ? [] : placed.running;
  const { finished, newNodes, outcomes } = placed;

  const candidates: BeamCandidate[] = best.map((c, rank) => ({
    rank,
    sourceBeam: c.beam,
    token: c.token,
    logprob: c.logprob,
    cumulativeLogprob: c.total,
    outcome: outcomes[rank],
    score: newNodes[rank].score,
    nodeId: newNodes[rank].id,
  }));
  const live = [...nextRunning.map((b) => b.nodeId), ...finished.map((h) => h.nodeId)];
  const tree = updatePruned([...state.tree, ...newNodes], live);
  const next: BeamSearchState = { options: state.options, step, running: nextRunning, finished, done, doneReason, tree };
  const trace: BeamStepTrace = { step, beamIndices: placed.beamIndices, candidates, running: nextRunning, finished, done, doneReason, tree };
  return { state: next, trace };
}

/** One row per running beam, all of one vocabulary that holds every end-of-sequence id. */
function checkBeamRows(state: BeamSearchState, logitsPerBeam: readonly Float32Array[]): void {
  if (logitsPerBeam.length !== state.running.length) {
    throw new RangeError(`logitsPerBeam must hold one row per running beam (${state.running.length}), got ${logitsPerBeam.length}`);
  }
  const vocab = logitsPerBeam[0].length;
  logitsPerBeam.forEach((row, i) => {
    checkRow(row, `logitsPerBeam[${i}]`);
    if (row.length !== vocab) throw new RangeError(`logitsPerBeam[${i}] has ${row.length} entries, logitsPerBeam[0] has ${vocab}`);
  });
  for (const eos of state.options.eosTokenIds) {
    if (eos >= vocab) throw new RangeError(`eosTokenId must be a token id in [0, ${vocab - 1}], got ${eos}`);
  }
}

/** Steps 1-2: each beam's log-probabilities (after its processors) added to its score; the best 2B candidates. */
function bestCandidates(state: BeamSearchState, logitsPerBeam: readonly Float32Array[]): Candidate[] {
  const o = state.options;
  const processors = beamProcessors(o);
  const best: Candidate[] = [];
  state.running.forEach((beam, b) => {
    let row = logitsPerBeam[b];
    if (processors.length > 0) {
      const context = [...o.promptIds, ...beam.tokens];
      for (const p of processors) row = p.process(context, row);
    }
    let m = -Infinity;
    for (let v = 0; v < row.length; v++) if (row[v] > m) m = row[v];
    let sum = 0;
    for (let v = 0; v < row.length; v++) sum += Math.exp(row[v] - m);
    const lse = m + Math.log(sum);
    for (let v = 0; v < row.length; v++) {
      if (row[v] === -Infinity) continue;
      const logprob = row[v] - lse;
      offer(best, { beam: b, token: v, logprob, total: beam.cumulativeLogprob + logprob }, 2 * o.numBeams);
    }
  });
  return best;
}

interface Placed {
  finished: BeamHypothesis[];
  running: RunningBeam[];
  beamIndices: number[];
  newNodes: BeamNode[];
  outcomes: BeamCandidate['outcome'][];
}

/** Steps 3-4: the candidates best first; end-of-sequence ones become hypotheses, the others running beams. */
function placeCandidates(state: BeamSearchState, best: readonly Candidate[], step: number): Placed {
  const o = state.options;
  const B = o.numBeams;
  const placed: Placed = { finished: [...state.finished], running: [], beamIndices: [], newNodes: [], outcomes: [] };
  best.forEach((c, rank) => {
    const source = state.running[c.beam];
    const nodeId = state.tree.length + placed.newNodes.length;
    const node: BeamNode = {
      id: nodeId,
      parentId: source.nodeId,
      token: c.token,
      logprob: c.logprob,
      cumulativeLogprob: c.total,
      step,
      finished: false,
      pruned: false,
      score: null,
      finishReason: null,
    };
    let outcome: BeamCandidate['outcome'] = 'dropped';
    const tokens = [...source.tokens, c.token];
    if (o.eosTokenIds.includes(c.token)) {
      if (rank < B) {
        node.finished = true;
        node.score = lengthPenalizedScore(c.total, step, o.lengthPenalty);
        node.finishReason = 'eos';
        const hyp: BeamHypothesis = { tokens, cumulativeLogprob: c.total, length: step, score: node.score, nodeId, finishReason: 'eos' };
        if (addHypothesis(placed.finished, hyp, B)) outcome = 'finished';
      }
    } else if (placed.running.length < B) {
      placed.running.push({ tokens, cumulativeLogprob: c.total, nodeId });
      placed.beamIndices.push(c.beam);
      outcome = 'running';
    }
    placed.newNodes.push(node);
    placed.outcomes.push(outcome);
  });
  return placed;
}

/**
 * Whether the search ends at this step, and why. At the token limit the running beams become
 * hypotheses too (their nodes and outcomes in `placed` are updated).
 */
function finishIfDone(state: BeamSearchState, placed: Placed, step: number): BeamDoneReason | null {
  const o = state.options;
  const { running, finished } = placed;
  if (running.length === 0) return 'no-candidates';
  if (step >= o.maxNewTokens) {
    for (const beam of running) {
      const index = beam.nodeId - state.tree.length;
      const node = placed.newNodes[index];
      node.finished = true;
      node.score = lengthPenalizedScore(beam.cumulativeLogprob, step, o.lengthPenalty);
      node.finishReason = 'length';
      const hyp: BeamHypothesis = { ...beam, tokens: [...beam.tokens], length: step, score: node.score, finishReason: 'length' };
      placed.outcomes[index] = addHypothesis(finished, hyp, o.numBeams) ? 'finished' : 'dropped';
    }
    return 'max-new-tokens';
  }
  if (finished.length >= o.numBeams) {
    const bestRunning = lengthPenalizedScore(running[0].cumulativeLogprob, step, o.lengthPenalty);
    if (finished[finished.length - 1].score >= bestRunning) return 'no-better-possible';
  }
  return null;
}

/**
 * The best hypothesis so far: the best finished one; before any finished, the best running beam
 * scored as if it ended now (finishReason null); null before the first step.
 */
export function bestHypothesis(state: BeamSearchState): BeamHypothesis | null {
  const first = state.finished[0];
  if (first) return first;
  const beam = state.running[0];
  if (!beam || state.step === 0) return null;
  return {
    tokens: [...beam.tokens],
    cumulativeLogprob: beam.cumulativeLogprob,
    length: state.step,
    score: lengthPenalizedScore(beam.cumulativeLogprob, state.step, state.options.lengthPenalty),
    nodeId: beam.nodeId,
    finishReason: null,
  };
}

export interface BeamSearchRun {
  state: BeamSearchState;
  traces: BeamStepTrace[];
  best: BeamHypothesis | null;
}

/**
 * Runs a whole search against `logitsFn`, which maps each running beam's full prefix (prompt +
 * generated tokens) to next-token logits: a toy "model" for tests, or a simple non-cached driver.
 */
export function runBeamSearch(
  logitsFn: (prefixes: number[][]) => Float32Array[],
  options: BeamSearchOptions,
): BeamSearchRun {
  let state = initBeamSearch(options);
  const traces: BeamStepTrace[] = [];
  while (!state.done) {
    const prefixes = state.running.map((beam) => [...state.options.promptIds, ...beam.tokens]);
    const result = beamSearchStep(state, logitsFn(prefixes));
    state = result.state;
    traces.push(result.trace);
  }
  return { state, traces, best: bestHypothesis(state) };
}
