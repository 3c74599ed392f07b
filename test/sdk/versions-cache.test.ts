import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ATTR } from '@evaltrace/semantic-conventions';
import { definePrompt, task, withVersions } from '../../src/index.js';
import { useWrapped } from './helpers/wrapped.js';

/**
 * Each scope computes its span attributes once and reuses them for every span
 * started in it; a prompt stamped later must still reach the spans after it.
 */


const w = useWrapped({ keepSpans: true });

const ask = () => w.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

describe('versions read once per scope', () => {
  it('gives spans in an inner scope a prompt stamped on the task after that scope already stamped spans', async () => {
    const prompt = definePrompt({ name: 'late', template: 'x' });
    await task({ exampleId: 'c1', dataset: { name: 'ds', version: '1' } }, () =>
      withVersions({ runId: 'r-inner' }, async () => {
        trace.getTracer('app').startSpan('before').end();
        await ask();
        prompt.render();
        trace.getTracer('app').startSpan('after').end();
        await ask();
      }),
    );
    const spans = await w.otel.spans(5);
    const calls = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    expect(calls).toHaveLength(2);
    for (const s of spans) expect(s.attributes, s.name).toMatchObject({ [ATTR.exampleId]: 'c1', [ATTR.datasetName]: 'ds' });
    for (const s of spans.filter((x) => x.name !== 'task')) expect(s.attributes[ATTR.runId], s.name).toBe('r-inner');
    const before = spans.find((s) => s.name === 'before');
    const after = spans.find((s) => s.name === 'after');
    expect(before?.attributes[ATTR.promptName]).toBeUndefined();
    expect(calls[0]?.attributes[ATTR.promptName]).toBeUndefined();
    expect(after?.attributes).toMatchObject({ [ATTR.promptName]: 'late', [ATTR.promptVersion]: prompt.version });
    expect(calls[1]?.attributes).toMatchObject({ [ATTR.promptName]: 'late', [ATTR.promptVersion]: prompt.version });
  });
});
