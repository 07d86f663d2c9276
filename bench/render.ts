/**
 * `npm run bench:render`: rewrites bench/results.md from bench/results.json without measuring
 * again, for when the report's layout changes. `npm run bench` writes both from the same object.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMarkdown } from './report';
import type { BenchResults } from './types';

const results = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8')) as BenchResults;
writeFileSync(new URL('./results.md', import.meta.url), renderMarkdown(results));
