import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { contains, datasets, exactMatch, init, jsonValid, judgeTraces, regexMatch, runExperiment, type StoredTrace, type Telemetry } from '../../src/index.js';
import { startTestCollector } from '../helpers/collector.js';

const trace = (outputText: string, exampleId = 'x'): StoredTrace =>
  ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), exampleId, outputText, inputText: '', input: null, output: outputText }) as unknown as StoredTrace;

describe('code judges, unit by unit', () => {
  it('version the rule, not the data: the same options give the same version, other options another', () => {
    const a = exactMatch({ expected: () => 'x' });
    expect(a.judge.version).toMatch(/^code:[0-9a-f]{12}$/);
    expect(exactMatch({ expected: () => 'y' }).judge.version).toBe(a.judge.version);
    expect(exactMatch({ expected: () => 'x', caseSensitive: true }).judge.version).not.toBe(a.judge.version);
    expect(contains({ expected: () => 'x' }).judge.version).not.toBe(a.judge.version);
    expect(regexMatch(/a+/).judge.version).not.toBe(regexMatch(/a+/i).judge.version);
  });

  it('exact match and contains compare trimmed, case-insensitive by default; no expected answer skips', async () => {
    expect(await exactMatch({ expected: () => 'Paris' }).evaluate(trace('  paris '))).toMatchObject({ score: 1, label: 'pass', name: 'correctness' });
    expect(await exactMatch({ expected: () => 'Paris', caseSensitive: true }).evaluate(trace('paris'))).toMatchObject({ score: 0, label: 'fail' });
    expect(await contains({ expected: () => 'Paris' }).evaluate(trace('It is PARIS.'))).toMatchObject({ score: 1 });
    expect(await contains({ expected: () => undefined }).evaluate(trace('anything'))).toBeUndefined();
  });

  it('JSON-valid and regex judge the output format', async () => {
    expect(await jsonValid().evaluate(trace('{"a":1}'))).toMatchObject({ score: 1, name: 'format' });
    expect(await jsonValid().evaluate(trace('{a:1}'))).toMatchObject({ score: 0, label: 'fail' });
    const g = regexMatch(/\d{4}/g);
    expect([await g.evaluate(trace('year 2026')), await g.evaluate(trace('year 2026'))].map((r) => r?.score)).toEqual([1, 1]);
  });
});

describe('a code judge over stored traces and a stored dataset', () => {
  let collector: RunningCollector;
  let telemetry: Telemetry;
  beforeAll(async () => {
    collector = await startTestCollector();
    telemetry = init({ endpoint: collector.url, serviceName: 'code-judges' });
  });
  afterAll(async () => {
    await telemetry?.shutdown();
    await collector?.close();
  });

  it('judges each trace against the expected answer of the stored item it ran on, and the collector reports the pass rate under the code version', async () => {
    const items = [
      { id: 'fr', input: 'Capital of France?', expected: 'Paris' },
      { id: 'de', input: 'Capital of Germany?', expected: 'Berlin' },
      { id: 'it', input: 'Capital of Italy?', expected: 'Rome' },
      { id: 'es', input: 'Capital of Spain?', expected: 'Madrid' },
    ];
    await datasets.push('capitals', items, { label: 'v1' });
    const dataset = await datasets.get('capitals', 'v1');
    const answers: Record<string, string> = { fr: 'Paris', de: 'berlin', it: 'Milan', es: 'Madrid' };
    await runExperiment({ dataset, runId: 'code' }, (example, t) => {
      t.output(answers[example.id]!);
      return answers[example.id];
    });
    // Traces of a dataset version the collector does not store have no expected answer: skipped, not failed.
    await runExperiment({ dataset: { name: 'capitals', version: 'in-code', examples: items }, runId: 'unstored' }, (example) => answers[example.id]);
    await telemetry.flush();
    const judge = exactMatch();
    const summary = await judgeTraces({ filter: { dataset: 'capitals' }, ...judge });
    expect(summary).toMatchObject({ judged: 4, skipped: 4, failed: 0 });
    await telemetry.flush();
    const res = await fetch(`${collector.url}/api/triples?judge=exact-match&judge_version=${judge.judge.version}&dataset_version=${dataset.contentHash}`);
    const { triples } = (await res.json()) as any;
    expect(triples[0].judges[0]).toMatchObject({ judge: 'exact-match', judge_version: judge.judge.version, evaluation: 'correctness', n_labeled: 4, pass_rate: 3 / 4 });
  });
});
