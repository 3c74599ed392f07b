import { trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ATTR } from '@evaltrace/semantic-conventions';
import { type ExperimentOptions, recordEvaluation, runExperiment, task, withVersions } from '../../src/index.js';
import { only, useTelemetry } from './helpers/telemetry.js';

// JavaScript apps get no type check: these calls are written as such an app would, hence the casts.
const untyped = <T>(value: unknown) => value as T;

const otel = useTelemetry();
const warnings: string[] = [];
const onWarning = (w: Error) => {
  if (w.name === 'EvaltraceWarning') warnings.push(w.message);
};
beforeAll(() => {
  process.on('warning', onWarning);
});
afterAll(() => {
  process.off('warning', onWarning);
});
afterEach(() => {
  warnings.length = 0;
});

// process.emitWarning delivers on the next tick.
const settled = () => new Promise((r) => setImmediate(r));
const stored = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

describe('the shorthands JavaScript apps write are recorded, silently', () => {
  it('task() takes names with datasetVersion / promptVersion beside them', async () => {
    const out = await task(untyped({ dataset: 'qa', datasetVersion: 'v1', prompt: 'answer', promptVersion: 'v2', exampleId: 7 }), () => 'ok');
    expect(out).toBe('ok');
    const root = only(await otel.spans(1, 'task'));
    expect(root.attributes).toMatchObject({
      [ATTR.datasetName]: 'qa',
      [ATTR.datasetVersion]: 'v1',
      [ATTR.promptName]: 'answer',
      [ATTR.promptVersion]: 'v2',
      [ATTR.exampleId]: '7',
    });
    await settled();
    expect(warnings).toEqual([]);
  });

  it('withVersions() takes the snake_case keys OpenLLMetry association properties use', async () => {
    await task({ dataset: { name: 'qa', version: '1' } }, () =>
      withVersions(untyped({ prompt: 'answer', prompt_version: 'v3', example_id: 'e-1' }), () => trace.getTracer('app').startSpan('inner').end()),
    );
    const inner = only(await otel.spans(1, 'inner'));
    expect(inner.attributes).toMatchObject({ [ATTR.promptName]: 'answer', [ATTR.promptVersion]: 'v3', [ATTR.exampleId]: 'e-1' });
    await settled();
    expect(warnings).toEqual([]);
  });

  it('runExperiment() takes the prompt by name with promptVersion', async () => {
    const dataset = { name: 'qa', version: '4', examples: [{ id: 'a' }, { id: 'b' }] };
    const summary = await runExperiment(untyped<ExperimentOptions<{ id: string }>>({ dataset, prompt: 'answer', promptVersion: 'v9' }), (e) => e.id);
    expect(summary.results.map((r) => r.output)).toEqual(['a', 'b']);
    const roots = await otel.spans(2, 'task');
    for (const root of roots) expect(root.attributes).toMatchObject({ [ATTR.datasetVersion]: '4', [ATTR.promptName]: 'answer', [ATTR.promptVersion]: 'v9' });
  });

  it('recordEvaluation() takes the judge by name with judgeVersion', async () => {
    recordEvaluation(untyped({ target: stored, judge: 'helpfulness', judgeVersion: 'j2', score: 1 }));
    const span = only(await otel.spans(1));
    expect(span.attributes).toMatchObject({ [ATTR.judgeName]: 'helpfulness', [ATTR.judgeVersion]: 'j2' });
  });
});

describe('wrong shapes warn once, naming the field and the expected shape, and never throw into the app', () => {
  it('a prompt without a version is recorded by name, with one warning for many calls', async () => {
    for (let i = 0; i < 3; i++) await task(untyped({ prompt: 'answer' }), () => i);
    const roots = await otel.spans(3, 'task');
    for (const root of roots) {
      expect(root.attributes[ATTR.promptName]).toBe('answer');
      expect(root.attributes[ATTR.promptVersion]).toBeUndefined();
    }
    await settled();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^task\(\): "prompt" needs a version: must be \{name, version\} or a name with "promptVersion"/);
    expect(warnings[0]).toContain('recorded without a version');
  });

  it('a version with no name beside it is reported as ignored, and the rest is kept', async () => {
    await task(untyped({ datasetVersion: 'v1', dataset: { name: 'qa', version: 'v1' }, promptVersion: 'v2' }), () => undefined);
    const root = only(await otel.spans(1, 'task'));
    expect(root.attributes).toMatchObject({ [ATTR.datasetName]: 'qa', [ATTR.datasetVersion]: 'v1' });
    expect(root.attributes[ATTR.promptVersion]).toBeUndefined();
    await settled();
    expect(warnings).toEqual([expect.stringMatching(/^task\(\): "promptVersion" needs "prompt" \(its name\) beside it; got "v2" — ignored$/)]);
  });

  it('two different versions for one field keep the object’s and say so', async () => {
    await task(untyped({ prompt: { name: 'answer', version: 'v1' }, promptVersion: 'v2' }), () => undefined);
    expect(only(await otel.spans(1, 'task')).attributes[ATTR.promptVersion]).toBe('v1');
    await settled();
    expect(warnings[0]).toContain('has two versions');
  });

  it('an unknown key is named, and a non-object meta still runs the task', async () => {
    const out = await task(untyped({ datset: { name: 'qa' } }), () => 'ran');
    const again = await task(untyped('qa@v1'), () => 'ran too');
    expect([out, again]).toEqual(['ran', 'ran too']);
    await settled();
    expect(warnings[0]).toMatch(/^task\(\): "datset" is not a known key \(dataset, datasetVersion,/);
    expect(warnings[1]).toMatch(/^task\(\): the first argument must be an object such as \{dataset, prompt\}; got "qa@v1"/);
  });

  it('a judge without a version records the verdict with the judge’s name and warns', async () => {
    expect(() => recordEvaluation(untyped({ target: stored, judge: { name: 'j' }, score: 1 }))).not.toThrow();
    const span = only(await otel.spans(1));
    expect(span.attributes[ATTR.judgeName]).toBe('j');
    expect(span.attributes[ATTR.evaluationScore]).toBe(1);
    await settled();
    expect(warnings[0]).toMatch(/^recordEvaluation\(\): "judge" needs a version/);
  });

  it('an app function’s result and errors pass through unchanged when the meta is malformed', async () => {
    const boom = new Error('app error');
    await expect(task(untyped({ prompt: 42 }), () => Promise.reject(boom))).rejects.toBe(boom);
    await expect(withVersions(untyped(null), async () => 5)).resolves.toBe(5);
  });
});
