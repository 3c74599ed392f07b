import { type TracerProvider, context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ATTR } from '@evaltrace/semantic-conventions';
import { init, task, wrap } from '../../src/index.js';
import { type MockLlm, startMockLlm } from './helpers/mock-llm.js';

let llm: MockLlm;
beforeAll(async () => {
  llm = await startMockLlm();
});
afterAll(() => llm.close());
afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

const ask = (c: OpenAI) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

describe('init() in an app that already set up OpenTelemetry', () => {
  it('adds its processors to the app’s provider instead of replacing it', async () => {
    const appExporter = new InMemorySpanExporter();
    const appProvider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'my-app' }),
      spanProcessors: [new SimpleSpanProcessor(appExporter)],
    });
    appProvider.register();
    const ours = new InMemorySpanExporter();
    const handle = init({ exporter: ours, seed: 7 });
    try {
      const client = wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 }));
      await task({ dataset: { name: 'qa', version: '1' }, exampleId: 'e' }, async () => {
        trace.getTracer('my-app').startActiveSpan('app-work', (s) => s.end());
        await ask(client);
      });
      await handle.flush();
      const delegate = (trace.getTracerProvider() as unknown as { getDelegate(): TracerProvider }).getDelegate();
      expect(delegate).toBe(appProvider);

      // Both exporters see every span, each stamped with the task's versions.
      for (const exporter of [appExporter, ours]) {
        const spans = exporter.getFinishedSpans();
        expect(spans.map((s) => s.name).sort()).toEqual(['app-work', 'chat gpt-4o-mini', 'task']);
        for (const s of spans) expect(s.attributes[ATTR.datasetName], s.name).toBe('qa');
      }
      // The envelope rides on what evaltrace exports, without touching the app's resource.
      expect(ours.getFinishedSpans()[0]?.resource.attributes).toMatchObject({ 'service.name': 'my-app', [ATTR.seed]: '7' });
      expect(appExporter.getFinishedSpans()[0]?.resource.attributes[ATTR.seed]).toBeUndefined();
    } finally {
      await handle.shutdown();
    }
    // The app's provider keeps working after evaltrace shuts down.
    appExporter.reset();
    trace.getTracer('my-app').startSpan('after').end();
    expect(appExporter.getFinishedSpans().map((s) => s.name)).toEqual(['after']);
  });

  it('exports its own spans through a private provider when the app’s provider cannot take processors', async () => {
    // An app with its own context manager and a provider of some other make.
    const inner = new NodeTracerProvider();
    inner.register();
    trace.disable();
    const foreign: TracerProvider = { getTracer: (name, version, options) => inner.getTracer(name, version, options) };
    trace.setGlobalTracerProvider(foreign);
    const ours = new InMemorySpanExporter();
    const handle = init({ exporter: ours });
    try {
      const client = wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 }));
      await task({ exampleId: 'e' }, () => ask(client));
      await handle.flush();
      const spans = ours.getFinishedSpans();
      expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4o-mini', 'task']);
      for (const s of spans) expect(s.attributes[ATTR.exampleId]).toBe('e');
    } finally {
      await handle.shutdown();
    }
  });
});
