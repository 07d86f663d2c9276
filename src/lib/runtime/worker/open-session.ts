/**
 * Builds a stepping session from a SessionSpec and the loaded models it names: tokenizes the
 * prompt (cutting its start when it would not leave room to generate) and checks that paired
 * models share a tokenizer.
 */
import {
  BeamSession,
  ContrastiveSession,
  DolaSession,
  SamplingSession,
  SpeculativeSession,
  type SteppingSession,
} from '../../sessions';
import { modelsOf, type OpenResult, type SessionSpec } from '../protocol';
import type { LoadedRegistryModel } from './loader';
import { RuntimeError } from '../errors';

export type AnySession = SteppingSession<unknown, unknown>;

export interface OpenedSession {
  session: AnySession;
  models: string[];
  opened: OpenResult;
}

function invalid(message: string, action: string): RuntimeError {
  return new RuntimeError({ kind: 'invalid-request', message, action });
}

/** Tokens kept free for generation when a long prompt is cut: a quarter of the context, at most 64. */
export function generationRoom(contextLength: number): number {
  return Math.max(1, Math.min(64, Math.floor(contextLength / 4)));
}

/**
 * Replaces each lone (unpaired) surrogate by U+FFFD. Text typed or pasted can hold one (a cut in
 * the middle of an emoji); the tokenizer's UTF-8 encoding would read it as U+FFFD anyway, and
 * doing it here makes that a rule of ours rather than of the tokenizer.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

interface TokenizedPrompt {
  ids: number[];
  cut: number;
  cutCharacters: number;
}

function tokenizePrompt(spec: SessionSpec, model: LoadedRegistryModel, contextLength: number): TokenizedPrompt {
  if (typeof spec.prompt !== 'string' || spec.prompt.trim().length === 0) {
    throw invalid('The prompt is empty.', 'Type some text for the model to continue.');
  }
  const ids = model.encode(wellFormed(spec.prompt));
  if (ids.length === 0) throw invalid('The prompt gave no tokens.', 'Type some text for the model to continue.');
  const keep = contextLength - generationRoom(contextLength);
  const cut = Math.max(0, ids.length - keep);
  const cutCharacters = cut > 0 ? model.decode(ids.slice(0, cut)).length : 0;
  return { ids: ids.slice(cut), cut, cutCharacters };
}

function requireSameTokenizer(a: LoadedRegistryModel, b: LoadedRegistryModel): void {
  if (a.entry.tokenizerFamily !== b.entry.tokenizerFamily || a.model.info.vocabSize !== b.model.info.vocabSize) {
    throw invalid(
      `${a.entry.label} and ${b.entry.label} do not share a tokenizer, which this method needs.`,
      'Choose two models of the same pair.',
    );
  }
}

export function openSession(spec: SessionSpec, lookup: (id: string) => LoadedRegistryModel): OpenedSession {
  const ids = modelsOf(spec);
  const models = ids.map(lookup);
  const [first] = models;
  if (models.length === 2) requireSameTokenizer(models[0], models[1]);
  const contextLength = Math.min(...models.map((m) => m.model.info.contextLength));
  const prompt = tokenizePrompt(spec, first, contextLength);
  const common = { promptIds: prompt.ids, topN: spec.topN, stopAtEos: spec.stopAtEos, decode: first.decode };
  let session: AnySession;
  try {
    session = build(spec, models, common) as AnySession;
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      throw invalid(error.message, 'Change the setting named in the message and try again.');
    }
    throw error;
  }
  return { session, models: ids, opened: { promptIds: prompt.ids, cutTokens: prompt.cut, cutCharacters: prompt.cutCharacters, contextLength } };
}

type Common = { promptIds: number[]; topN?: number; stopAtEos?: boolean; decode: (ids: readonly number[]) => string };

function build(spec: SessionSpec, models: LoadedRegistryModel[], common: Common): SteppingSession<unknown, unknown> {
  const [first, second] = models;
  switch (spec.method) {
    case 'sampling':
      return new SamplingSession(first.model, { ...common, sampling: spec.sampling, seed: spec.seed }) as never;
    case 'beam':
      return new BeamSession(first.model, {
        promptIds: common.promptIds,
        stopAtEos: common.stopAtEos,
        decode: common.decode,
        numBeams: spec.numBeams,
        maxNewTokens: spec.maxNewTokens,
        lengthPenalty: spec.lengthPenalty,
        repetitionPenalty: spec.repetitionPenalty,
        noRepeatNgramSize: spec.noRepeatNgramSize,
      }) as never;
    case 'contrastive':
      return new ContrastiveSession(first.model, second.model, {
        ...common,
        contrastive: spec.contrastive,
        amateurContext: spec.amateurContext,
      }) as never;
    case 'dola':
      if (!first.model.info.hasLayerLogits) {
        const why = first.lens?.kind === 'unreadable' ? ` The layer lens could not add them: ${first.lens.reason}.` : '';
        throw new RuntimeError({
          kind: 'unsupported',
          message: `${first.entry.label} has no early-exit logits (layer_logits), which DoLa needs.${why}`,
          action: 'Choose another model for DoLa; the other methods run on this one.',
        });
      }
      return new DolaSession(first.model, {
        ...common,
        layers: spec.layers,
        divergence: spec.divergence,
        relativeTop: spec.relativeTop,
        repetitionPenalty: spec.repetitionPenalty,
      }) as never;
    case 'speculative':
      return new SpeculativeSession(second.model, first.model, {
        ...common,
        gamma: spec.gamma,
        sampling: spec.sampling,
        seed: spec.seed,
      }) as never;
  }
}
