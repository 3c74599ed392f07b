import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { recordEvaluation, type Telemetry } from '../../src/index.js';
import { startTestCollector } from '../helpers/collector.js';
import { ITEMS, PLAN, REPEATS, sendRuns } from '../helpers/runs-plan.js';
import type { MockLlm } from '../sdk/helpers/mock-llm.js';

/** Human labels through POST /api/annotations count like any judge's evaluations. */
let collector: RunningCollector;
let telemetry: Telemetry;
let llm: MockLlm;
let traces: Array<{ trace_id: string; span_id: string; example_id: string }>;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(collector.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}
const annotate = (body: unknown) => call('POST', '/api/annotations', body);

/** alice passes items 0–7; bob agrees except on items 6 and 7. */
const alicePasses = (i: number) => i < 8;
const bobPasses = (i: number) => i < 6;
const item = (t: { example_id: string }) => Number(t.example_id.slice(1));

beforeAll(async () => {
  collector = await startTestCollector();
  ({ telemetry, llm } = await sendRuns(collector.url, undefined));
  traces = (await call('GET', '/api/traces?run=base&limit=1000')).body.traces;
}, 120_000);
afterAll(async () => {
  await telemetry?.shutdown();
  await llm?.close();
  await collector?.close();
});

describe('human annotations', () => {
  it('stores a label on a trace as an evaluation of judge human, version the annotator, on its root span', async () => {
    expect(traces).toHaveLength(ITEMS * REPEATS);
    for (const t of traces) {
      const a = await annotate({ trace_id: t.trace_id, annotator: 'alice', label: alicePasses(item(t)) ? 'pass' : 'fail', comment: 'checked by hand' });
      expect(a.status).toBe(201);
      expect(a.body).toMatchObject({ judge: 'human', judge_version: 'alice', span_id: t.span_id, evaluation: 'quality', passed: alicePasses(item(t)) });
      expect((await annotate({ trace_id: t.trace_id, annotator: 'bob', label: bobPasses(item(t)) ? 'pass' : 'fail' })).status).toBe(201);
    }
    const { body } = await call('GET', '/api/triples?run=base&judge=human&judge_version=alice');
    const [human] = body.triples[0].judges;
    expect(human).toMatchObject({ judge: 'human', judge_version: 'alice', n_labeled: ITEMS * REPEATS, pass_rate: 8 / ITEMS });
    const trace = await call('GET', `/api/traces/${traces[0]!.trace_id}`);
    expect(trace.body.evaluations.find((e: any) => e.judge === 'human' && e.judge_version === 'alice')).toMatchObject({ explanation: 'checked by hand', source: 'annotation' });
  });

  it('compares two annotators like two judge versions: agreement and the items they disagree on', async () => {
    const { status, body } = await call('GET', '/api/compare/judges?judge=human&a=alice&b=bob&run=base');
    expect(status).toBe(200);
    expect(body.n_labeled).toBe(ITEMS * REPEATS);
    expect(body.agreement).toBeCloseTo((ITEMS - 2) / ITEMS, 12);
    expect(body.confusion).toEqual({ pass_pass: 6 * REPEATS, pass_fail: 2 * REPEATS, fail_pass: 0, fail_fail: 4 * REPEATS });
  });

  it('aligns a judge version with the people: b = grader g1 against a = alice as the truth, precision and recall of its pass', async () => {
    const { status, body } = await call('GET', '/api/compare/judges?judge=grader&b=g1&reference=human&a=alice&evaluation=quality&run=base');
    expect(status, JSON.stringify(body)).toBe(200);
    const cells = { pass_pass: 0, pass_fail: 0, fail_pass: 0, fail_fail: 0 };
    for (let i = 0; i < ITEMS; i++) {
      for (let r = 1; r <= REPEATS; r++) {
        const a = alicePasses(i);
        const b = PLAN.base.score(i, r) >= 0.5;
        cells[`${a ? 'pass' : 'fail'}_${b ? 'pass' : 'fail'}` as keyof typeof cells] += 1;
      }
    }
    expect(body).toMatchObject({ reference: 'human', judge: 'grader', n_labeled: ITEMS * REPEATS, confusion: cells });
    const precision = cells.pass_pass / (cells.pass_pass + cells.fail_pass);
    const recall = cells.pass_pass / (cells.pass_pass + cells.pass_fail);
    expect(body.alignment.precision).toBeCloseTo(precision, 12);
    expect(body.alignment.recall).toBeCloseTo(recall, 12);
    expect(body.alignment.f1).toBeCloseTo((2 * precision * recall) / (precision + recall), 12);
    expect(body.disagreements[0]).toMatchObject({ label_a: expect.stringMatching(/pass|fail/), label_b: expect.stringMatching(/pass|fail/) });
    const none = await call('GET', '/api/compare/judges?judge=grader&b=g1&reference=human&a=nobody&evaluation=quality&run=base');
    expect(none.body).toMatchObject({ n_labeled: 0, alignment: null, alignment_reason: expect.stringContaining('no trace') });
    expect((await call('GET', '/api/compare/judges?judge=grader&b=g1&reference=human&a=alice')).status).toBe(400);
  });

  it('ranks every version of a judge by its agreement with a person, and answers null with a reason where labels are too few', async () => {
    // g2 passes items 0–6 (alice: 0–7); g3 judged only 3 traces.
    const g2Passes = (i: number) => i < 7;
    for (const t of traces) {
      recordEvaluation({ target: { traceId: t.trace_id, spanId: t.span_id }, judge: { name: 'grader', version: 'g2' }, score: g2Passes(item(t)) ? 1 : 0, label: g2Passes(item(t)) ? 'pass' : 'fail' });
    }
    for (const t of traces.slice(0, 3)) recordEvaluation({ target: { traceId: t.trace_id, spanId: t.span_id }, judge: { name: 'grader', version: 'g3' }, score: 1, label: 'pass' });
    await telemetry.flush();

    const kappaOf = (judgePasses: (i: number, r: number) => boolean) => {
      const c = { pp: 0, pf: 0, fp: 0, ff: 0 };
      for (let i = 0; i < ITEMS; i++) {
        for (let r = 1; r <= REPEATS; r++) c[`${alicePasses(i) ? 'p' : 'f'}${judgePasses(i, r) ? 'p' : 'f'}` as keyof typeof c] += 1;
      }
      const n = c.pp + c.pf + c.fp + c.ff;
      const po = (c.pp + c.ff) / n;
      const pe = ((c.pp + c.pf) / n) * ((c.pp + c.fp) / n) + ((c.fp + c.ff) / n) * ((c.pf + c.ff) / n);
      return { kappa: (po - pe) / (1 - pe), agreement: po };
    };
    const g1 = kappaOf((i, r) => PLAN.base.score(i, r) >= 0.5);
    const g2 = kappaOf((i) => g2Passes(i));

    const { status, body } = await call('GET', '/api/judges/alignment?judge=grader&evaluation=quality&reference_version=alice&run=base');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ reference: 'human', reference_version: 'alice', reference_versions: ['alice', 'bob'], min_labels: 10 });
    const byVersion = Object.fromEntries(body.versions.map((v: any) => [v.version, v]));
    expect(byVersion.g1.cohen_kappa).toBeCloseTo(g1.kappa, 12);
    expect(byVersion.g2.cohen_kappa).toBeCloseTo(g2.kappa, 12);
    expect(byVersion.g2.agreement).toBeCloseTo(g2.agreement, 12);
    expect(byVersion.g3).toMatchObject({ ranked: false, n_labeled: 3, cohen_kappa: null, agreement: null, reason: expect.stringContaining('at least 10') });
    expect(body.versions.map((v: any) => v.version)).toEqual([...(g2.kappa > g1.kappa ? ['g2', 'g1'] : ['g1', 'g2']), 'g3']);
    expect(body.best).toBe(g2.kappa > g1.kappa ? 'g2' : 'g1');
    expect(body.best_reason).toContain("highest Cohen's kappa with human alice");

    const few = await call('GET', '/api/judges/alignment?judge=grader&evaluation=quality&reference_version=alice&run=base&min_labels=1000');
    expect(few.body).toMatchObject({ best: null, best_reason: expect.stringContaining('1000 traces') });
    const ambiguous = await call('GET', '/api/judges/alignment?judge=grader&evaluation=quality');
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.message).toContain('alice, bob');
    expect((await call('GET', '/api/judges/alignment?judge=nobody&evaluation=quality&reference_version=alice')).status).toBe(404);
  });

  it('lets a newer label by the same person replace the older one, and stores a retried request once', async () => {
    const t = traces.find((x) => item(x) === 11)!;
    expect((await annotate({ trace_id: t.trace_id, annotator: 'alice', label: 'pass', id: 'retry-1' })).status).toBe(201);
    expect((await annotate({ trace_id: t.trace_id, annotator: 'alice', label: 'pass', id: 'retry-1' })).status).toBe(201);
    const trace = await call('GET', `/api/traces/${t.trace_id}`);
    expect(trace.body.evaluations.filter((e: any) => e.judge_version === 'alice')).toHaveLength(2);
    const { body } = await call('GET', '/api/triples?run=base&judge=human&judge_version=alice');
    expect(body.triples[0].judges[0].pass_rate).toBeCloseTo((8 * REPEATS + 1) / (ITEMS * REPEATS), 12);
  });

  it('answers bad annotations with a 400 naming the field and unknown traces with a 404', async () => {
    const none = await annotate({ trace_id: traces[0]!.trace_id, annotator: 'alice' });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/score/);
    expect((await annotate({ trace_id: 'XYZ', annotator: 'alice', label: 'pass' })).body.error.message).toMatch(/trace_id/);
    expect((await annotate({ trace_id: traces[0]!.trace_id, annotator: 'al ice', label: 'pass' })).status).toBe(400);
    const missing = await annotate({ trace_id: '0'.repeat(32), annotator: 'alice', label: 'pass' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('0'.repeat(32));
  });

  it('queues the traces an annotator has not labelled yet, and a label takes a trace off the queue', async () => {
    const carol = await call('GET', '/api/annotations/queue?annotator=carol&run=base&limit=1000');
    expect(carol.status).toBe(200);
    expect(carol.body.traces).toHaveLength(ITEMS * REPEATS);
    const first = carol.body.traces[0];
    expect(first.input).toBe(`question ${item(first)}`);
    await annotate({ trace_id: first.trace_id, annotator: 'carol', label: 'pass' });
    const after = await call('GET', '/api/annotations/queue?annotator=carol&run=base&limit=1000');
    expect(after.body.traces.map((t: any) => t.trace_id)).not.toContain(first.trace_id);
    expect(after.body.traces).toHaveLength(ITEMS * REPEATS - 1);
    // alice labelled every trace of the run.
    expect((await call('GET', '/api/annotations/queue?annotator=alice&run=base')).body.traces).toEqual([]);
    expect((await call('GET', '/api/annotations/queue?run=base')).status).toBe(400);
  });
});
