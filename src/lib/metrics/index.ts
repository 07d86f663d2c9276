/** Text-quality metrics on token ids (see ngrams.ts for the formulas and their papers). */
export { distinctN, diversity, ngramCounts, repetitionRate, repetitionReport, type RepetitionReport } from './ngrams';
