import { expect } from 'vitest';
import type { RunningCollector } from '../../../collector/server.js';
import { getJson } from '../../helpers/collector.js';

/** The one /api/triples row of dataset "faq" for a model and prompt version. */
export async function faqTriple(collector: RunningCollector, model: string, promptVersion: string) {
  const { status, body } = await getJson(collector, `/api/triples?dataset=faq&prompt_version=${promptVersion}`);
  expect(status).toBe(200);
  const rows = (body.triples as any[]).filter((t) => t.model === model);
  expect(rows, `${model} ${promptVersion}`).toHaveLength(1);
  return rows[0];
}
