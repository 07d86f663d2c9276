/** Text-quality metrics: per text on token ids (ngrams.ts) and per corpus on words as SimCTG measures (corpus-diversity.ts). */
export { corpusDiversity, type CorpusDiversity } from './corpus-diversity';
export { distinctN, diversity, ngramCounts, repetitionRate, repetitionReport, type RepetitionReport } from './ngrams';
