import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ATTR } from '@evaltrace/semantic-conventions';
import { definePrompt, runExperiment } from '../../src/index.js';
import { useWrapped } from './helpers/wrapped.js';

const w = useWrapped();

const prompt = definePrompt({ name: 'qa', version: 'v1', template: 'Q: {{q}}' });
const dataset = {
  name: 'arith',
  version: '2',
  examples: [
    { id: 'a', input: '1+1', expected: '2' },
    { id: 'b', input: '2+2', expected: '4' },
    { id: 'c', input: '3+3', expected: '6' },
  ],
};

describe('runExperiment()', () => {
  it('runs every example once per repeat as a task, each repeat under its own run id', async () => {
    const summary = await runExperiment({ dataset, prompt, repeats: 2, runId: 'exp' }, async (example, t) => {
      const res = await w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt.render({ q: String(example.input) }) }] });
      t.success(res.choices[0]?.message.content?.includes(String(example.input)) ?? false);
      return res.choices[0]?.message.content;
    });
    expect(summary.runIds).toEqual(['exp/1', 'exp/2']);
    expect(summary).toMatchObject({ total: 6, succeeded: 6, failed: 0, errored: 0 });
    expect(summary.results.map((r) => [r.repeat, r.exampleId, r.runId])).toEqual([
      [1, 'a', 'exp/1'],
      [1, 'b', 'exp/1'],
      [1, 'c', 'exp/1'],
      [2, 'a', 'exp/2'],
      [2, 'b', 'exp/2'],
      [2, 'c', 'exp/2'],
    ]);
    expect(summary.results[0]?.output).toBe('Answer: Q: 1+1');

    const roots = await w.otel.spans(6, 'task');
    for (const r of summary.results) {
      const root = roots.find((s) => s.spanContext().traceId === r.traceId);
      expect(root?.spanContext().spanId).toBe(r.spanId);
      expect(root?.attributes).toMatchObject({
        [ATTR.datasetName]: 'arith',
        [ATTR.datasetVersion]: '2',
        [ATTR.promptName]: 'qa',
        [ATTR.promptVersion]: 'v1',
        [ATTR.exampleId]: r.exampleId,
        [ATTR.runId]: r.runId,
        [ATTR.taskSuccess]: true,
      });
    }
    const rootOfB = roots.find((s) => s.attributes[ATTR.exampleId] === 'b');
    expect(rootOfB?.attributes[ATTR.taskInput]).toBe('2+2');
  });

  it('defaults the example id to its position and the run id to a random one', async () => {
    const summary = await runExperiment({ dataset: { name: 'd', version: '1', examples: [{}, {}] } }, () => undefined);
    expect(summary.results.map((r) => r.exampleId)).toEqual(['0', '1']);
    expect(summary.runIds[0]).toMatch(/^[0-9a-f-]{36}\/1$/);
  });

  it('records a throwing example as errored and unsuccessful, and runs the rest', async () => {
    const summary = await runExperiment({ dataset }, (example, t) => {
      if (example.id === 'b') throw new Error('bad example');
      t.success(example.id === 'a');
    });
    expect(summary).toMatchObject({ total: 3, succeeded: 1, failed: 2, errored: 1 });
    expect((summary.results[1]!.error as Error).message).toBe('bad example');
    expect(summary.results[1]?.success).toBe(false);
  });

  it('keeps at most `concurrency` tasks in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const many = { name: 'd', version: '1', examples: Array.from({ length: 12 }, (_, i) => ({ id: i })) };
    await runExperiment({ dataset: many, concurrency: 3 }, async () => {
      peak = Math.max(peak, ++inFlight);
      await sleep(5);
      inFlight--;
    });
    expect(peak).toBe(3);
  });

  it('rejects a repeat count that is not a positive integer', async () => {
    await expect(runExperiment({ dataset, repeats: 0 }, () => undefined)).rejects.toThrow(RangeError);
  });
});
