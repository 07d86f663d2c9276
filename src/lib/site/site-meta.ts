/** The site's name and the home page's description: the layout, the home page and its share image use the same words. */
export const SITE_NAME = 'How a language model picks its next token';

export const HOME_DESCRIPTION =
  'An interactive explainer of decoding: greedy, sampling, beam search, contrastive decoding, DoLa and speculative sampling, computed live in your browser.';
