/**
 * Request schemas of the query API (the responses are in contract/responses.ts).
 * The routes validate with them and /openapi.json is generated from both, so
 * the document cannot drift from what the endpoints accept and return.
 */
import { z } from '@hono/zod-openapi';
import { JudgeFilterSchema, TraceFilterSchema } from '../sql/filters.js';
import { ListingSchema } from '../query/traces.js';

const name = z.string().min(1).max(512);

const FormatParam = {
  format: z
    .enum(['json', 'csv', 'jsonl'])
    .optional()
    .openapi({ description: 'json (default), or a csv / jsonl download (text/csv or application/x-ndjson with a Content-Disposition file name)' }),
};

const differentVersions = (what: string) => ({ message: `a and b must name two different ${what} versions`, path: ['b'] });
const differ = (q: { a: string; b: string; judge?: string; reference?: string }) => q.a !== q.b || (q.reference !== undefined && q.reference !== q.judge);

export const TriplesQuery = TraceFilterSchema.extend(JudgeFilterSchema.shape).extend(FormatParam).strict();
export const ListingQuery = TraceFilterSchema.extend(ListingSchema.shape).strict();

export const PromptsQuery = TraceFilterSchema.extend(JudgeFilterSchema.shape)
  .extend({ prompt: name.openapi({ description: 'prompt name', example: 'answer' }) })
  .strict();

export const ComparePromptsQuery = TraceFilterSchema.omit({ prompt_version: true })
  .extend(JudgeFilterSchema.shape)
  .extend({
    prompt: name.openapi({ description: 'prompt name', example: 'answer' }),
    a: name.openapi({ description: 'baseline prompt version', example: 'v1' }),
    b: name.openapi({ description: 'candidate prompt version', example: 'v2' }),
    ...FormatParam,
  })
  .strict()
  .refine(differ, differentVersions('prompt'));

export const CompareJudgesQuery = TraceFilterSchema.extend({
  judge: name.openapi({ description: 'judge name', example: 'helpfulness-judge' }),
  a: name.openapi({ description: 'baseline judge version', example: 'j1' }),
  b: name.openapi({ description: 'candidate judge version', example: 'j2' }),
  evaluation: name.optional().openapi({ description: 'evaluation name; needed when the two versions share several, and with a reference' }),
  reference: name.optional().openapi({ description: 'side a’s judge when it is another one, e.g. `human` with a = the annotator: judge version b is aligned with it', example: 'human' }),
  reference_evaluation: name.optional().openapi({ description: 'side a’s evaluation name when it differs from side b’s' }),
  ...ListingSchema.shape,
  ...FormatParam,
})
  .strict()
  .refine(differ, differentVersions('judge'));

export const AlignmentQuery = TraceFilterSchema.extend({
  judge: name.openapi({ description: 'the judge whose versions are ranked', example: 'helpfulness-judge' }),
  evaluation: name.openapi({ description: 'its evaluation name', example: 'quality' }),
  reference: name.default('human').openapi({ description: 'the judge taken as the truth; default human (people’s labels)' }),
  reference_version: name.optional().openapi({ description: 'the reference’s version (for human, the annotator); needed when it has several', example: 'alice' }),
  reference_evaluation: name.optional().openapi({ description: 'the reference’s evaluation name when it differs' }),
  min_labels: z.coerce.number().int().min(1).max(100_000).default(10).openapi({ description: 'traces labelled by both that a version needs to be ranked' }),
}).strict();

export const TraceParams = z.object({ traceId: z.string().openapi({ param: { name: 'traceId', in: 'path' }, example: '0af7651916cd43dd8448eb211c80319c' }) });
