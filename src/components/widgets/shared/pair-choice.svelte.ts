/**
 * Which model pair a figure runs. The URL keeps the pair the reader chose, but every visit starts
 * on the bundled pair: a Hub pair becomes active only once the reader has answered the consent
 * step (PairPicker) on this page, and a reader who declines or is offline stays on the bundled one.
 */
import { BUNDLED_PAIR, pairById, type ModelPair } from '../../../lib/runtime/registry';

export class PairChoice {
  /** The pair the sessions run on now. */
  active = $state(BUNDLED_PAIR.id);

  constructor(private readonly params: { pair: string }) {}

  get pair(): ModelPair {
    return pairById(this.active);
  }

  /** The menu (or Keep the current models): the bundled pair needs no consent. */
  readonly choose = (id: string): void => {
    this.params.pair = id;
    if (id === BUNDLED_PAIR.id) this.active = id;
  };

  /** The reader agreed to download this pair. */
  readonly accept = (id: string): void => {
    this.active = id;
  };
}
