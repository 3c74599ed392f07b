import OpenAI from 'openai';
import { wrap } from '../../../src/index.js';
import { type MockLlm, startMockLlm } from './mock-llm.js';
import { type TestTelemetry, initInMemory } from './telemetry.js';

export interface Wrapped {
  llm: MockLlm;
  otel: TestTelemetry;
  client: OpenAI;
}

/** A mock LLM server, in-memory telemetry, and an OpenAI client wrapped by evaltrace that talks to the mock. */
export async function startWrapped(): Promise<Wrapped> {
  const llm = await startMockLlm();
  const otel = initInMemory();
  return { llm, otel, client: wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiURL, maxRetries: 0 })) };
}

export async function stopWrapped(w: Pick<Wrapped, 'llm' | 'otel'>): Promise<void> {
  await w.otel.shutdown();
  await w.llm.close();
}
