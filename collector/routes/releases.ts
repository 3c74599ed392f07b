import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../auth.js';
import { notFound } from '../errors.js';
import { buildCard } from '../releases/card.js';
import { renderCardMarkdown } from '../releases/card-markdown.js';
import { loadRelease, loadReleases } from '../releases/registry.js';
import { findRollbackCandidate } from '../releases/rollback.js';
import {
  CardResponseSchema,
  CreateReleaseSchema,
  PromoteSchema,
  ReleaseListSchema,
  ReleaseNameSchema,
  ReleaseSchema,
  RollbackCandidateSchema,
  RollbackResultSchema,
  RollbackSchema,
  TransitionResultSchema,
} from '../releases/schemas.js';
import { promoteRelease, registerRelease, rollbackRelease } from '../releases/transitions.js';
import type { Store } from '../store/types.js';
import { validationHook } from './openapi.js';
import { commonErrors, errorResponse, jsonResponse, SECURITY } from './responses.js';

const ERRORS = commonErrors('a bad request: the field is named in the message');
const body = <S extends z.ZodType>(schema: S) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '3f1c2b4e-8d7a-4e8b-9c0d-1a2b3c4d5e6f' }) });
const NameParam = z.object({ name: ReleaseNameSchema.openapi({ param: { name: 'name', in: 'path' } }) });

const routes = {
  create: createRoute({
    method: 'post',
    path: '/api/releases',
    summary: 'Register a release: a named configuration, starting as a candidate',
    security: SECURITY,
    request: body(CreateReleaseSchema),
    responses: { 201: jsonResponse('the release with its first event', ReleaseSchema), ...ERRORS },
  }),
  list: createRoute({
    method: 'get',
    path: '/api/releases',
    summary: 'Releases with their stage and full history, oldest first; optionally of one name',
    security: SECURITY,
    request: { query: z.object({ name: ReleaseNameSchema.optional() }).strict() },
    responses: { 200: jsonResponse('the releases', ReleaseListSchema), ...ERRORS },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/releases/{id}',
    summary: 'One release with its stage and full history',
    security: SECURITY,
    request: { params: IdParam },
    responses: { 200: jsonResponse('the release', ReleaseSchema), 404: errorResponse('no such release in the project'), ...ERRORS },
  }),
  promote: createRoute({
    method: 'post',
    path: '/api/releases/{id}/promote',
    summary: 'One stage up (candidate → staging → production) on a gate decision that said promote, or an explicit override',
    security: SECURITY,
    request: { params: IdParam, ...body(PromoteSchema) },
    responses: {
      200: jsonResponse('the promoted release, and any production release it superseded', TransitionResultSchema),
      404: errorResponse('no such release in the project'),
      409: errorResponse('the release’s stage does not allow promotion'),
      422: errorResponse('no gate decision, or one that did not say promote, or one about another configuration'),
      ...ERRORS,
    },
  }),
  rollback: createRoute({
    method: 'post',
    path: '/api/releases/{id}/rollback',
    summary: 'Take a production release out and restore the rollback candidate of its name',
    security: SECURITY,
    request: { params: IdParam, ...body(RollbackSchema) },
    responses: {
      200: jsonResponse('the rolled-back and the restored release', RollbackResultSchema),
      404: errorResponse('no such release in the project'),
      409: errorResponse('the release is not in production, or there is no rollback candidate'),
      ...ERRORS,
    },
  }),
  rollbackCandidate: createRoute({
    method: 'get',
    path: '/api/releases/{name}/rollback-candidate',
    summary: 'The last production configuration of a release name whose evidence (gate decision, traces) is still stored',
    security: SECURITY,
    request: { params: NameParam },
    responses: { 200: jsonResponse('the candidate, or none, and why', RollbackCandidateSchema), 404: errorResponse('no release of that name'), ...ERRORS },
  }),
  card: createRoute({
    method: 'get',
    path: '/api/releases/{id}/card',
    summary: 'The release card: configuration, datasets, quality with CIs, cost, latency, decisions, approvals, envelope, regressions, rollback candidate',
    security: SECURITY,
    request: {
      params: IdParam,
      query: z.object({ format: z.enum(['json', 'markdown']).optional().openapi({ description: 'json (default, with the Markdown in `markdown`) or markdown (text/markdown)' }) }).strict(),
    },
    responses: {
      200: {
        description: 'the card',
        content: { 'application/json': { schema: CardResponseSchema }, 'text/markdown': { schema: { type: 'string' as const } } },
      },
      404: errorResponse('no such release in the project'),
      ...ERRORS,
    },
  }),
};

export function releaseRoutes(store: Store): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(routes.create, async (c) => c.json(await registerRelease(store, c.get('project'), c.req.valid('json')), 201));

  app.openapi(routes.list, async (c) => c.json({ releases: await loadReleases(store, c.get('project'), c.req.valid('query')) }, 200));

  app.openapi(routes.get, async (c) => {
    const { id } = c.req.valid('param');
    const release = await loadRelease(store, c.get('project'), id);
    if (!release) throw notFound(`release ${id} not found`);
    return c.json(release, 200);
  });

  app.openapi(routes.promote, async (c) =>
    c.json(await promoteRelease(store, c.get('project'), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  app.openapi(routes.rollback, async (c) =>
    c.json(await rollbackRelease(store, c.get('project'), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  app.openapi(routes.rollbackCandidate, async (c) => {
    const { name } = c.req.valid('param');
    const releases = await loadReleases(store, c.get('project'), { name });
    if (releases.length === 0) throw notFound(`no release named ${name}`);
    return c.json(await findRollbackCandidate(store, c.get('project'), name, releases), 200);
  });

  app.openapi(routes.card, async (c) => {
    const card = await buildCard(store, c.get('project'), c.req.valid('param').id);
    const markdown = renderCardMarkdown(card);
    if (c.req.valid('query').format === 'markdown') return c.body(markdown, 200, { 'content-type': 'text/markdown; charset=utf-8' });
    return c.json({ ...card, markdown }, 200);
  });

  return app;
}
