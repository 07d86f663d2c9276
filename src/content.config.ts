import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

/** The chapters: one MDX file each under content/explainers, ordered by `order`. */
const explainers = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './content/explainers' }),
  schema: z.object({
    title: z.string(),
    description: z.string(),
    order: z.number().int(),
    draft: z.boolean().default(false),
  }),
});

export const collections = { explainers };
