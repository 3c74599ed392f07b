import { setTimeout as sleep } from 'node:timers/promises';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ATTR } from '@evaltrace/semantic-conventions';
import { definePrompt, task, withVersions } from '../../src/index.js';
import { useWrapped } from './helpers/wrapped.js';


const w = useWrapped();

const meta = {
  dataset: { name: 'qa', version: '3' },
  exampleId: 'q-17',
  prompt: { name: 'answer', version: 'v2' },
  runId: 'run-a',
};
const VERSIONS = {
  [ATTR.datasetName]: 'qa',
  [ATTR.datasetVersion]: '3',
  [ATTR.exampleId]: 'q-17',
  [ATTR.promptName]: 'answer',
  [ATTR.promptVersion]: 'v2',
  [ATTR.runId]: 'run-a',
};
const appTracer = () => trace.getTracer('my-app');
const ask = (content: string) => w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe('task()', () => {
  it('runs fn as the root span "task" of a new trace, carrying every version', async () => {
    const result = await task(meta, async () => 'done');
    expect(result).toBe('done');
    const [root] = await w.otel.spans(1, 'task');
    expect(root?.parentSpanContext).toBeUndefined();
    expect(root?.attributes).toMatchObject(VERSIONS);
  });

  it('puts the versions on wrapped LLM calls and app spans, across Promise.all, timers and awaits', async () => {
    await task(meta, async () => {
      await Promise.all([ask('a'), ask('b')]);
      await new Promise<void>((resolve) => setTimeout(() => void ask('c').then(() => resolve()), 5));
      await sleep(1);
      appTracer().startActiveSpan('retrieve', (span) => span.end());
      await new Promise<void>((resolve) => setImmediate(() => appTracer().startActiveSpan('rerank', (s) => {
        s.end();
        resolve();
      })));
    });
    const spans = await w.otel.spans(6);
    const root = byName(spans, 'task')[0];
    const others = spans.filter((s) => s.name !== 'task');
    expect(others.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini', 'chat gpt-4o-mini', 'rerank', 'retrieve']);
    for (const s of others) {
      expect(s.attributes, s.name).toMatchObject(VERSIONS);
      expect(s.spanContext().traceId).toBe(root?.spanContext().traceId);
      expect(s.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    }
  });

  it('records t.success(), t.input() and t.output() on the root span', async () => {
    await task(meta, (t) => {
      t.input({ question: 'q?' });
      t.output('a!');
      t.success(true);
      expect(t.outcome).toBe(true);
    });
    const [root] = await w.otel.spans(1, 'task');
    expect(root?.attributes[ATTR.taskSuccess]).toBe(true);
    expect(root?.attributes[ATTR.taskInput]).toBe('{"question":"q?"}');
    expect(root?.attributes[ATTR.taskOutput]).toBe('a!');
  });

  it('takes the input from meta.input', async () => {
    await task({ ...meta, input: 'plain text' }, () => undefined);
    const [root] = await w.otel.spans(1, 'task');
    expect(root?.attributes[ATTR.taskInput]).toBe('plain text');
  });

  it('records a thrown error on the root span, marks the task unsuccessful and re-throws it', async () => {
    const boom = new RangeError('boom');
    await expect(task(meta, () => Promise.reject(boom))).rejects.toBe(boom);
    const [root] = await w.otel.spans(1, 'task');
    expect(root?.status.code).toBe(SpanStatusCode.ERROR);
    expect(root?.attributes[ATTR.errorType]).toBe('RangeError');
    expect(root?.attributes[ATTR.taskSuccess]).toBe(false);
  });

  it('starts a nested task as its own trace that inherits unset versions and links to the enclosing span', async () => {
    await task(meta, () => task({ exampleId: 'q-18', prompt: { name: 'answer', version: 'v3' } }, () => ask('inner')));
    const spans = await w.otel.spans(3);
    const taskFor = (id: string) => byName(spans, 'task').find((s) => s.attributes[ATTR.exampleId] === id);
    const [outer, inner] = [taskFor('q-17'), taskFor('q-18')];
    expect(inner?.spanContext().traceId).not.toBe(outer?.spanContext().traceId);
    expect(inner?.links[0]?.context.spanId).toBe(outer?.spanContext().spanId);
    const call = byName(spans, 'chat gpt-4o-mini')[0];
    expect(call?.attributes).toMatchObject({ ...VERSIONS, [ATTR.exampleId]: 'q-18', [ATTR.promptVersion]: 'v3' });
    expect(call?.spanContext().traceId).toBe(inner?.spanContext().traceId);
  });

  it('gives tasks that name no run the same process-wide run id', async () => {
    await task({ exampleId: 'a' }, () => undefined);
    await task({ exampleId: 'b' }, () => undefined);
    const roots = await w.otel.spans(2, 'task');
    const ids = roots.map((s) => s.attributes[ATTR.runId]);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('keeps concurrent tasks apart', async () => {
    await Promise.all(
      ['e1', 'e2', 'e3'].map((id) =>
        task({ ...meta, exampleId: id }, async () => {
          await sleep(Math.random() * 5);
          await ask(id);
        }),
      ),
    );
    const calls = await w.otel.spans(3, 'chat gpt-4o-mini');
    for (const c of calls) {
      const sent = JSON.parse(String(c.attributes[ATTR.inputMessages]))[0].parts[0].content;
      expect(c.attributes[ATTR.exampleId]).toBe(sent);
    }
  });
});

describe('withVersions()', () => {
  it('stamps versions on spans without starting a span of its own', async () => {
    await withVersions({ dataset: { name: 'qa', version: '3' }, runId: 'r' }, () => ask('x'));
    const spans = await w.otel.spans(1);
    expect(spans.map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
    expect(spans[0]?.attributes).toMatchObject({ [ATTR.datasetName]: 'qa', [ATTR.datasetVersion]: '3', [ATTR.runId]: 'r' });
    expect(spans[0]?.parentSpanContext).toBeUndefined();
  });

  it('lets inner scopes override outer ones', async () => {
    await withVersions({ prompt: { name: 'p', version: '1' } }, () =>
      withVersions({ prompt: { name: 'p', version: '2' } }, () => appTracer().startActiveSpan('inner', (s) => s.end())),
    );
    const [span] = await w.otel.spans(1);
    expect(span?.attributes[ATTR.promptVersion]).toBe('2');
  });
});

describe('a prompt rendered inside a task', () => {
  const prompt = definePrompt({ name: 'qa-answer', template: 'Answer briefly: {{question}}' });

  it('stamps its name and version on the task and on the calls that follow', async () => {
    await task({ exampleId: 'p1' }, async () => {
      await ask(prompt.render({ question: 'why?' }));
    });
    const spans = await w.otel.spans(2);
    for (const s of spans) {
      expect(s.attributes, s.name).toMatchObject({ [ATTR.promptName]: 'qa-answer', [ATTR.promptVersion]: prompt.version });
    }
  });

  it('does not override a prompt the task names explicitly', async () => {
    await task(meta, () => prompt.render({ question: 'why?' }));
    const [root] = await w.otel.spans(1, 'task');
    expect(root?.attributes[ATTR.promptName]).toBe('answer');
  });
});
