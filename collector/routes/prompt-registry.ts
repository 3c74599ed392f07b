import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { AppEnv } from '../auth.js';
import { notFound } from '../errors.js';
import { createPromptVersion, findPromptVersion, labelHistory, listPrompts, loadPrompt, moveLabel, resolveLabel } from '../prompts/registry.js';
import type { Store } from '../store/types.js';
import { validationHook } from './openapi.js';
import {
  CreatedVersionSchema,
  CreatePromptVersionSchema,
  LabelParams,
  MovedLabelSchema,
  MoveLabelSchema,
  NameParam,
  PromptEntrySchema,
  PromptListSchema,
  PromptVersionSchema,
  RemoveLabelQuery,
  ResolvedLabelSchema,
  VersionParams,
} from './prompt-registry-schemas.js';
import { commonErrors, errorResponse, jsonResponse, SECURITY } from './responses.js';

const ERRORS = commonErrors('a bad request: the field is named in the message');
const body = <S extends z.ZodType>(schema: S) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const NO_PROMPT = { 404: errorResponse('no such prompt, version or label') };

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/prompt-registry',
    summary: 'Prompts in the registry with their version count, newest version and labels',
    security: SECURITY,
    responses: { 200: jsonResponse('the prompts', PromptListSchema), ...ERRORS },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/prompts/{name}/versions',
    summary: "Store a template as a version (its hash unless named); the same template again changes nothing",
    security: SECURITY,
    request: { params: NameParam, ...body(CreatePromptVersionSchema) },
    responses: {
      201: jsonResponse('the stored version', CreatedVersionSchema),
      200: jsonResponse('this template was already that version', CreatedVersionSchema),
      409: errorResponse('the version name is taken by another template or config'),
      ...ERRORS,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/prompts/{name}',
    summary: "A registry prompt's versions (newest first), current labels and label history",
    security: SECURITY,
    request: { params: NameParam },
    responses: { 200: jsonResponse('the prompt', PromptEntrySchema), ...NO_PROMPT, ...ERRORS },
  }),
  version: createRoute({
    method: 'get',
    path: '/api/prompts/{name}/versions/{version}',
    summary: 'One version by name or template hash',
    security: SECURITY,
    request: { params: VersionParams },
    responses: { 200: jsonResponse('the version', PromptVersionSchema), ...NO_PROMPT, ...ERRORS },
  }),
  label: createRoute({
    method: 'get',
    path: '/api/prompts/{name}/labels/{label}',
    summary: 'The version a label points at now (latest: the newest), with the label’s history',
    security: SECURITY,
    request: { params: LabelParams },
    responses: { 200: jsonResponse('the labelled version', ResolvedLabelSchema), ...NO_PROMPT, ...ERRORS },
  }),
  move: createRoute({
    method: 'put',
    path: '/api/prompts/{name}/labels/{label}',
    summary: 'Point a label at a version; the move is appended to its history',
    security: SECURITY,
    request: { params: LabelParams, ...body(MoveLabelSchema) },
    responses: { 200: jsonResponse('the label now', MovedLabelSchema), ...NO_PROMPT, 422: errorResponse('the prompt has no such version'), ...ERRORS },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/api/prompts/{name}/labels/{label}',
    summary: 'Remove a label (recorded in its history)',
    security: SECURITY,
    request: { params: LabelParams, query: RemoveLabelQuery },
    responses: { 200: jsonResponse('the label, now on no version', MovedLabelSchema), ...NO_PROMPT, ...ERRORS },
  }),
};

export function promptRegistryRoutes(store: Store): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(routes.list, async (c) => c.json({ prompts: await listPrompts(store, c.get('project')) }, 200));

  app.openapi(routes.create, async (c) => {
    const { name } = c.req.valid('param');
    const { version, created } = await createPromptVersion(store, c.get('project'), name, c.req.valid('json'));
    return created ? c.json({ ...version, created }, 201) : c.json({ ...version, created }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const { name } = c.req.valid('param');
    const entry = await loadPrompt(store, c.get('project'), name);
    if (!entry) throw notFound(`prompt ${name} is not in the registry`);
    return c.json({ ...entry, history: await labelHistory(store, c.get('project'), name) }, 200);
  });

  app.openapi(routes.version, async (c) => {
    const { name, version } = c.req.valid('param');
    const v = await findPromptVersion(store, c.get('project'), name, version);
    if (!v) throw notFound(`prompt ${name} has no version ${version}`);
    return c.json(v, 200);
  });

  app.openapi(routes.label, async (c) => {
    const { name, label } = c.req.valid('param');
    return c.json({ prompt: name, label, ...(await resolveLabel(store, c.get('project'), name, label)) }, 200);
  });

  app.openapi(routes.move, async (c) => {
    const { name, label } = c.req.valid('param');
    const b = c.req.valid('json');
    const moved = await moveLabel(store, c.get('project'), name, { label, version: b.version, moved_by: b.moved_by ?? '', reason: b.reason ?? '' });
    return c.json({ prompt: name, ...moved }, 200);
  });

  app.openapi(routes.remove, async (c) => {
    const { name, label } = c.req.valid('param');
    const q = c.req.valid('query');
    const moved = await moveLabel(store, c.get('project'), name, { label, version: null, moved_by: q.moved_by ?? '', reason: q.reason ?? '' });
    return c.json({ prompt: name, ...moved }, 200);
  });

  return app;
}
