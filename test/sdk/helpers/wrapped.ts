import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { wrap } from '../../../src/index.js';
import { type MockLlm, startMockLlm } from './mock-llm.js';
import { type TestTelemetry, initInMemory } from './telemetry.js';

export interface Wrapped {
  llm: MockLlm;
  otel: TestTelemetry;
  client: OpenAI;
}

/** A mock LLM server, in-memory telemetry, and an OpenAI client wrapped by evaltrace that talks to the mock. */
async function startWrapped(): Promise<Wrapped> {
  const llm = await startMockLlm();
  const otel = initInMemory();
  return { llm, otel, client: wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 })) };
}

async function stopWrapped(w: Pick<Wrapped, 'llm' | 'otel'>): Promise<void> {
  await w.otel.shutdown();
  await w.llm.close();
}

/**
 * The test file's set-up in one call: startWrapped() before its first test,
 * stopWrapped() after its last, and (unless `keepSpans`) the spans of one
 * test dropped before the next. The fields are filled once the file starts.
 */
export function useWrapped(o: { keepSpans?: boolean } = {}): Wrapped {
  const w = {} as Wrapped;
  beforeAll(async () => {
    Object.assign(w, await startWrapped());
  });
  afterAll(() => stopWrapped(w));
  if (!o.keepSpans) beforeEach(() => w.otel.reset());
  return w;
}
