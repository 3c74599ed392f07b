/** What names a registry prompt and its labels, checked the same in the registry's routes and in release promotion. */
import { z } from '@hono/zod-openapi';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const nameOf = (what: string) => z.string().regex(NAME, `${what}: 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit`);

export const PromptNameSchema = nameOf('prompt name').openapi({ example: 'answer' });

export const LabelSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'label: 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit')
  .openapi({ example: 'production' });
