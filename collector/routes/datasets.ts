import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../auth.js';
import { DatasetNameSchema } from '../datasets/items.js';
import { parseCsv, parseJsonBody, parseJsonLines, type Upload } from '../datasets/parse.js';
import { createVersion, diffVersions, findVersion, listVersions, loadItems } from '../datasets/registry.js';
import { DomainError, notFound } from '../errors.js';
import type { Store } from '../store/types.js';
import { DatasetListSchema, DiffQuery, DiffSchema, ItemsPage, NameParam, VersionItemsSchema, VersionListSchema, VersionParams } from './datasets-schemas.js';
import { validationHook } from './openapi.js';
import { commonErrors, errorResponse, jsonResponse, SECURITY } from './responses.js';

const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const ERRORS = commonErrors('a bad request, named in the message');

const routes = {
  list: createRoute({ method: 'get', path: '/api/datasets', summary: 'Datasets with their version count and latest version', security: SECURITY, responses: { 200: jsonResponse('the datasets', DatasetListSchema), ...ERRORS } }),
  versions: createRoute({
    method: 'get',
    path: '/api/datasets/{name}',
    summary: "A dataset's versions, newest first",
    security: SECURITY,
    request: { params: NameParam },
    responses: { 200: jsonResponse('the versions', VersionListSchema), 404: errorResponse('no such dataset'), ...ERRORS },
  }),
  version: createRoute({
    method: 'get',
    path: '/api/datasets/{name}/versions/{version}',
    summary: 'One version (by label or content hash) with its items in upload order, page by page',
    security: SECURITY,
    request: { params: VersionParams, query: ItemsPage },
    responses: { 200: jsonResponse('the version and a page of items', VersionItemsSchema), 404: errorResponse('no such dataset version'), ...ERRORS },
  }),
  diff: createRoute({
    method: 'get',
    path: '/api/datasets/{name}/diff',
    summary: 'Items added, removed and changed from one version to another',
    security: SECURITY,
    request: { params: NameParam, query: DiffQuery },
    responses: { 200: jsonResponse('the difference', DiffSchema), 404: errorResponse('no such dataset version'), ...ERRORS },
  }),
};

/** The upload's items by content type; the label comes from the JSON body or ?label=. */
function readUpload(contentType: string, text: string, label: string | undefined): Upload {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const upload =
    type === 'application/json'
      ? parseJsonBody(text)
      : type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/jsonlines'
        ? { items: parseJsonLines(text) }
        : type === 'text/csv'
          ? { items: parseCsv(text) }
          : undefined;
  if (!upload) throw new DomainError('unsupported_media_type', 'unsupported_media_type', 'send items as application/json ({label?, items}), application/x-ndjson (one item per line) or text/csv');
  if (label !== undefined && upload.label !== undefined && label !== upload.label) throw new DomainError('invalid', 'invalid_dataset', `?label=${label} and the body's label ${upload.label} differ`);
  const chosen = label ?? upload.label;
  if (chosen !== undefined && !DatasetNameSchema.safeParse(chosen).success) throw new DomainError('invalid', 'invalid_dataset', 'label must be 1–128 letters, digits, dots, dashes or underscores');
  return { label: chosen, items: upload.items };
}

export function datasetRoutes(store: Store): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // Not an OpenAPI route: its body is JSON, JSON Lines or CSV, parsed and checked in datasets/parse.ts (docs/datasets.md).
  app.post(
    '/api/datasets/:name/versions',
    bodyLimit({ maxSize: MAX_UPLOAD_BYTES, onError: () => { throw new DomainError('too_large', 'body_too_large', `an upload is at most ${MAX_UPLOAD_BYTES} bytes`); } }),
    async (c) => {
      const name = c.req.param('name');
      if (!DatasetNameSchema.safeParse(name).success) throw new DomainError('invalid', 'invalid_dataset', `dataset name ${JSON.stringify(name.slice(0, 140))}: must be 1–128 letters, digits, dots, dashes or underscores`);
      const upload = readUpload(c.req.header('content-type') ?? '', await c.req.text(), c.req.query('label'));
      const { version, created } = await createVersion(store, c.get('project'), name, upload);
      return c.json({ ...version, created }, created ? 201 : 200);
    },
  );

  app.openapi(routes.list, async (c) => {
    const versions = await listVersions(store, c.get('project'));
    const byName = new Map<string, typeof versions>();
    for (const v of versions) byName.set(v.dataset, [...(byName.get(v.dataset) ?? []), v]);
    const datasets = [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([dataset, vs]) => ({ dataset, versions: vs.length, latest: vs[0]! }));
    return c.json({ datasets }, 200);
  });

  app.openapi(routes.versions, async (c) => {
    const { name } = c.req.valid('param');
    const versions = await listVersions(store, c.get('project'), name);
    if (versions.length === 0) throw notFound(`dataset ${name} not found`);
    return c.json({ dataset: name, versions }, 200);
  });

  app.openapi(routes.version, async (c) => {
    const { name, version } = c.req.valid('param');
    const page = c.req.valid('query');
    const v = await findVersion(store, c.get('project'), name, version);
    if (!v) throw notFound(`dataset ${name} has no version ${version}`);
    return c.json({ ...v, items: await loadItems(store, c.get('project'), name, v.content_hash, page), ...page }, 200);
  });

  app.openapi(routes.diff, async (c) => {
    const { name } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    const project = c.get('project');
    const [a, b] = await Promise.all([findVersion(store, project, name, from), findVersion(store, project, name, to)]);
    if (!a) throw notFound(`dataset ${name} has no version ${from}`);
    if (!b) throw notFound(`dataset ${name} has no version ${to}`);
    return c.json(await diffVersions(store, project, name, a, b), 200);
  });

  return app;
}
