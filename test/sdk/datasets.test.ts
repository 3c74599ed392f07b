import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { datasets, EvaltraceRequestError, init, runExperiment, type Telemetry } from '../../src/index.js';
import { startTestCollector } from '../helpers/collector.js';

const KEY = 'k-sdk-datasets';
let collector: RunningCollector;
let telemetry: Telemetry;

const items = [
  { id: 'fr', input: 'Capital of France?', expected: 'Paris' },
  { id: 'de', input: 'Capital of Germany?', expected: 'Berlin' },
  { id: 'it', input: { question: 'Capital of Italy?' }, expected: 'Rome' },
];

async function api(path: string) {
  const res = await fetch(collector.url + path, { headers: { Authorization: `Bearer ${KEY}` } });
  expect(res.status, path).toBe(200);
  return res.json() as Promise<any>;
}

beforeAll(async () => {
  collector = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${KEY}:acme` } });
  telemetry = init({ endpoint: collector.url, apiKey: KEY, serviceName: 'datasets-app' });
});
afterAll(async () => {
  await telemetry?.shutdown();
  await collector?.close();
});

describe('datasets in the SDK', () => {
  it('pushes items and gets them back by label, by content hash and as the newest version', async () => {
    const pushed = await datasets.push('capitals', items, { label: 'v1' });
    expect(pushed).toMatchObject({ name: 'capitals', version: 'v1', itemCount: 3, created: true });
    expect((await datasets.push('capitals', items, { label: 'v1' })).created).toBe(false);
    for (const ref of ['v1', pushed.contentHash, undefined]) {
      const got = await datasets.get('capitals', ref);
      expect(got).toMatchObject({ name: 'capitals', version: 'v1', label: 'v1', contentHash: pushed.contentHash });
      expect(got.examples).toEqual(items.map((i) => ({ ...i, metadata: {} })));
    }
  });

  it('runs a fetched dataset as it is, recording its content hash as the dataset version, and the run covers it fully', async () => {
    const dataset = await datasets.get('capitals', 'v1');
    await runExperiment({ dataset, runId: 'full' }, (example, t) => {
      t.input(example.input);
      t.success(true);
      return example.expected;
    });
    await telemetry.flush();
    const run = await api('/api/runs/full');
    expect(run).toMatchObject({ dataset: 'capitals', dataset_version: dataset.contentHash, n_examples: 3 });
    expect(run.coverage).toMatchObject({ version: 'v1', items_in_version: 3, items_run: 3, inputs_checked: 3, n_inputs_differ: 0, complete: true });
  });

  it('flags a run that names the version but ran other items or other inputs', async () => {
    const dataset = await datasets.get('capitals', 'v1');
    const examples = [{ ...dataset.examples[0]!, input: 'Capital of Spain?' }, dataset.examples[1]!, { id: 'xx', input: 'extra', expected: '', metadata: {} }];
    await runExperiment({ dataset: { ...dataset, examples }, runId: 'partial' }, (example, t) => {
      t.input(example.input);
      t.success(true);
    });
    await telemetry.flush();
    const run = await api('/api/runs/partial');
    expect(run.coverage).toMatchObject({
      items_run: 2,
      n_missing: 1,
      missing_ids: ['it'],
      n_unknown: 1,
      unknown_ids: ['xx'],
      n_inputs_differ: 1,
      inputs_differ_ids: ['fr'],
      complete: false,
    });
    const compared = await api('/api/compare/runs?a=full&b=partial');
    expect(compared.coverage.a.complete).toBe(true);
    expect(compared.coverage.b.complete).toBe(false);
  });

  it('says which URL did not answer and how to point the SDK elsewhere', async () => {
    const err = await datasets.get('capitals', 'v1', { endpoint: 'http://127.0.0.1:9' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvaltraceRequestError);
    expect((err as Error).message).toMatch(/no collector answers at http:\/\/127\.0\.0\.1:9 .*OTEL_EXPORTER_OTLP_ENDPOINT/);
    const missing = await datasets.get('nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404 });
    expect((missing as Error).message).toMatch(/GET .*\/api\/datasets\/nope failed \(HTTP 404\): dataset nope not found/);
  });
});
