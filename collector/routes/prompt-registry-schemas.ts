/** Request, parameter and response schemas of the prompt registry API. */
import type { PromptVersionJson } from '@evaltrace/semantic-conventions';
import { z } from '@hono/zod-openapi';
import { LabelSchema, nameOf, PromptNameSchema } from '../prompts/names.js';

const text = (max: number) => z.string().trim().min(1).max(max);

export const NameParam = z.object({ name: PromptNameSchema.openapi({ param: { name: 'name', in: 'path' } }) });
export const VersionParams = NameParam.extend({
  version: z.string().min(1).max(140).openapi({ param: { name: 'version', in: 'path' }, description: 'a version name or a template hash (sha256:…)' }),
});
export const LabelParams = NameParam.extend({ label: LabelSchema.openapi({ param: { name: 'label', in: 'path' } }) });

const TemplateSchema = z
  .union([
    z.string().min(1).max(100_000),
    z
      .array(z.object({ role: text(64), content: z.string().max(100_000) }).strict())
      .min(1)
      .max(200),
  ])
  .openapi({ description: 'one string, or chat messages [{role, content}]; {{var}} placeholders are filled by render()' });

export const CreatePromptVersionSchema = z
  .object({
    template: TemplateSchema,
    version: nameOf('version')
      .optional()
      .openapi({ description: "a name for this version (e.g. v3), given once to one template; default the template's hash", example: 'v3' }),
    config: z.record(z.string().max(128), z.unknown()).optional().openapi({ description: 'settings shipped with the template (model, temperature, …)' }),
    labels: z.array(LabelSchema).max(16).optional().openapi({ description: 'labels to point at this version once stored', example: ['staging'] }),
    created_by: text(256).optional(),
    message: text(2000).optional().openapi({ description: 'what changed, like a commit message' }),
  })
  .strict()
  .openapi('CreatePromptVersion');

export const MoveLabelSchema = z
  .object({
    version: z.string().min(1).max(140).openapi({ description: 'a version name or template hash', example: 'v3' }),
    moved_by: text(256).optional(),
    reason: text(2000).optional(),
  })
  .strict()
  .openapi('MoveLabel');

export const RemoveLabelQuery = z.object({ moved_by: text(256).optional(), reason: text(2000).optional() }).strict();

export const PromptVersionSchema = z
  .object({
    prompt: z.string(),
    version: z.string(),
    content_hash: z.string().openapi({ description: 'sha256 (12 hex digits) of the template: what definePrompt gives the same template' }),
    type: z.enum(['text', 'chat']),
    template: z.union([z.string(), z.array(z.object({ role: z.string(), content: z.string() }))]),
    config: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    created_by: z.string(),
    message: z.string(),
    labels: z.array(z.string()).openapi({ description: 'the labels on this version now (latest when it is the newest)' }),
  })
  .openapi('PromptVersion') satisfies z.ZodType<PromptVersionJson>;

export const LabelEventSchema = z
  .object({
    event_id: z.string(),
    label: z.string(),
    version: z.string().nullable().openapi({ description: 'null: the label was removed' }),
    previous_version: z.string().nullable(),
    moved_by: z.string(),
    reason: z.string(),
    release_id: z.string().nullable().openapi({ description: 'the release whose promotion or rollback moved it' }),
    at: z.string(),
  })
  .openapi('PromptLabelEvent');

export const CreatedVersionSchema = PromptVersionSchema.extend({ created: z.boolean().openapi({ description: 'false when this template was already stored under this version' }) });
export const PromptEntrySchema = z
  .object({
    prompt: z.string(),
    versions: z.array(PromptVersionSchema).openapi({ description: 'newest first' }),
    labels: z.record(z.string(), z.string()).openapi({ description: "each label's current version" }),
    history: z.array(LabelEventSchema).openapi({ description: 'every label move, oldest first; append-only' }),
  })
  .openapi('PromptEntry');
export const PromptListSchema = z
  .object({ prompts: z.array(z.object({ prompt: z.string(), versions: z.number(), latest: PromptVersionSchema, labels: z.record(z.string(), z.string()) })) })
  .openapi('PromptRegistry');
export const ResolvedLabelSchema = z
  .object({ prompt: z.string(), label: z.string(), version: PromptVersionSchema, history: z.array(LabelEventSchema) })
  .openapi('PromptLabel');
export const MovedLabelSchema = z
  .object({
    prompt: z.string(),
    label: z.string(),
    version: PromptVersionSchema.nullable().openapi({ description: 'null after a removal' }),
    previous_version: z.string().nullable(),
    moved: z.boolean().openapi({ description: 'false when the label already pointed there' }),
    history: z.array(LabelEventSchema),
  })
  .openapi('MovedPromptLabel');
