import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { getJson, startTestCollector } from '../helpers/collector.js';
import { makeSender } from '../helpers/otel.js';
import { DATASET_VERSION, explanationOf, JUDGE, MODELS, passed, planTraces, sendAll } from './data.js';
import { avg, sampleSd, T975 } from './expected.js';

const traces = planTraces();
let collector: RunningCollector;

beforeAll(async () => {
  collector = await startTestCollector();
  const sender = makeSender({ url: collector.url, encoding: 'protobuf', gzip: true, batch: true });
  await sendAll(sender, traces);
  await sender.shutdown();
}, 60_000);

afterAll(async () => {
  await collector?.close();
});

const close = (actual: number, expected: number, rel = 1e-9) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1e-12, Math.abs(expected)));

/** A minimal RFC 4180 reader, written here so the test does not trust the product's writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

const records = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
};

async function download(path: string) {
  const res = await fetch(collector.url + path);
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() };
}

describe('GET /api/prompts', () => {
  it('reports one row per prompt version × model × dataset version with cost, latency and quality per judge version', async () => {
    const { status, body } = await getJson(collector, `/api/prompts?prompt=answer&judge=${JUDGE}`);
    expect(status).toBe(200);
    expect(body.prompt).toBe('answer');
    expect(body.versions.map((v: any) => `${v.prompt_version} ${v.model}`)).toEqual(['v1', 'v2'].flatMap((v) => MODELS.map((m) => `${v} ${m}`)));
    for (const row of body.versions) {
      const ts = traces.filter((t) => t.prompt === 'answer' && t.model === row.model && t.promptVersion === row.prompt_version);
      const successes = ts.filter((t) => t.success).length;
      const cost = ts.reduce((s, t) => s + t.cost, 0);
      expect(row).toMatchObject({ dataset_version: DATASET_VERSION, n_traces: 60, n_success: successes });
      expect(row.input_tokens).toBe(ts.reduce((s, t) => s + t.input, 0));
      close(row.cost_usd, cost, 1e-6);
      close(row.cost_per_success, cost / successes, 1e-6);
      close(row.success_rate, successes / 60);
      expect(row.first_seen).toBe(new Date(Math.min(...ts.map((t) => t.startMs))).toISOString());
      expect(row.last_seen).toBe(new Date(Math.max(...ts.map((t) => t.startMs))).toISOString());
      expect(row.quality.map((q: any) => q.judge_version)).toEqual(['j1', 'j2']);
      for (const q of row.quality) {
        const scores = ts.map((t) => t.scores[q.judge_version as 'j1' | 'j2']);
        const passes = ts.filter((t) => passed(t, q.judge_version)).length;
        const half = (T975[59]! * sampleSd(scores)) / Math.sqrt(60);
        close(q.mean, avg(scores));
        close(q.ci95[0], avg(scores) - half);
        close(q.ci95[1], avg(scores) + half);
        close(q.pass_rate, passes / 60);
        // Wilson score interval with z = 1.959963984540054.
        const z = 1.959963984540054;
        const p = passes / 60;
        const centre = (p + (z * z) / 120) / (1 + (z * z) / 60);
        const w = (z * Math.sqrt((p * (1 - p)) / 60 + (z * z) / (4 * 3600))) / (1 + (z * z) / 60);
        close(q.pass_rate_ci95[0], centre - w);
        close(q.pass_rate_ci95[1], centre + w);
      }
    }
  });

  it('orders prompt versions naturally and narrows by model and judge version', async () => {
    const { body } = await getJson(collector, `/api/prompts?prompt=answer&model=gpt-4o-mini&judge_version=j2`);
    expect(body.versions.map((v: any) => v.prompt_version)).toEqual(['v1', 'v2']);
    expect(body.versions.every((v: any) => v.model === 'gpt-4o-mini' && v.quality.every((q: any) => q.judge_version === 'j2'))).toBe(true);
  });

  it('answers 400 naming the parameter when prompt is missing or a parameter is unknown', async () => {
    const missing = await getJson(collector, '/api/prompts');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/prompt/);
    const unknown = await getJson(collector, '/api/prompts?prompt=answer&a=v1');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/unknown query parameter a/);
  });
});

describe('CSV and JSONL downloads', () => {
  it('downloads triples as CSV: one row per triple and judge version, with a file name', async () => {
    const d = await download(`/api/triples?prompt=answer&judge=${JUDGE}&format=csv`);
    expect(d.status).toBe(200);
    expect(d.type).toMatch(/^text\/csv/);
    expect(d.disposition).toBe('attachment; filename="triples.csv"');
    const rows = records(d.text);
    expect(rows).toHaveLength(8);
    const row = rows.find((r) => r.model === 'gpt-4o-mini' && r.prompt_version === 'v2' && r.judge_version === 'j1')!;
    const ts = traces.filter((t) => t.prompt === 'answer' && t.model === 'gpt-4o-mini' && t.promptVersion === 'v2');
    expect(Number(row.n_traces)).toBe(60);
    close(Number(row.score_mean), avg(ts.map((t) => t.scores.j1)));
    expect(Number(row.score_ci95_low)).toBeLessThan(Number(row.score_mean));
  });

  it('downloads the same records as JSONL, one JSON object per line', async () => {
    const csv = records((await download(`/api/triples?prompt=answer&judge=${JUDGE}&format=csv`)).text);
    const d = await download(`/api/triples?prompt=answer&judge=${JUDGE}&format=jsonl`);
    expect(d.type).toMatch(/^application\/x-ndjson/);
    expect(d.disposition).toBe('attachment; filename="triples.jsonl"');
    const lines = d.text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(csv.length);
    expect(lines.map((l) => Object.keys(l))).toEqual(csv.map((r) => Object.keys(r)));
    expect(lines[0].n_traces).toBe(60);
  });

  it('downloads a prompt comparison as one row per model', async () => {
    const query = `prompt=answer&a=v1&b=v2&judge=${JUDGE}&judge_version=j1`;
    const json = (await getJson(collector, `/api/compare/prompts?${query}`)).body;
    const d = await download(`/api/compare/prompts?${query}&format=csv`);
    expect(d.disposition).toBe('attachment; filename="compare-prompts-answer-v1-v2.csv"');
    const rows = records(d.text);
    expect(rows.map((r) => r.model)).toEqual([...MODELS]);
    for (const [i, m] of json.models.entries()) {
      expect(Number(rows[i]!.mean_delta)).toBe(m.mean_delta);
      expect(Number(rows[i]!.ci95_low)).toBe(m.ci95[0]);
      expect(Number(rows[i]!.pass_rate_p_value)).toBe(m.pass_rate.p_value);
      expect(Number(rows[i]!.cost_per_success_ratio)).toBe(m.cost_per_success.ratio);
      expect(rows[i]!.judge_version).toBe('j1');
    }
  });

  it('downloads every judge disagreement, quoting commas and quotes and defusing spreadsheet formulas', async () => {
    const d = await download(`/api/compare/judges?judge=${JUDGE}&a=j1&b=j2&prompt=answer&format=csv&limit=1`);
    expect(d.disposition).toBe('attachment; filename="judge-disagreements-quality-judge-j1-j2.csv"');
    const rows = records(d.text);
    const fixed = traces.filter((t) => t.prompt === 'answer');
    const expected = fixed.filter((t) => passed(t, 'j1') !== passed(t, 'j2'));
    // All of them, not one page: a download ignores limit.
    expect(rows).toHaveLength(expected.length);
    for (const r of rows) {
      const t = expected.find((p) => p.model === r.model && p.promptVersion === r.prompt_version && p.exampleId === r.example_id)!;
      expect(r.explanation_a).toBe(explanationOf(t, 'j1'));
      // j2's explanation starts with "=": the cell carries a leading apostrophe so a spreadsheet shows it as text.
      expect(r.explanation_b).toBe(`'${explanationOf(t, 'j2')}`);
      expect(r.passed_a).toBe(String(passed(t, 'j1')));
    }
  });

  it('answers 400 for an unknown format', async () => {
    const { status, body } = await getJson(collector, '/api/triples?format=xlsx');
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/format/);
  });
});

describe('GET /openapi.json', () => {
  it('documents every endpoint as OpenAPI 3.1, generated from the same schemas that validate requests', async () => {
    const { status, body } = await getJson(collector, '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    for (const path of ['/api/triples', '/api/traces', '/api/traces/{traceId}', '/api/prompts', '/api/compare/prompts', '/api/compare/judges']) {
      expect(body.paths[path]?.get, path).toBeDefined();
    }
    for (const path of ['/v1/traces', '/v1/logs']) expect(body.paths[path]?.post, path).toBeDefined();
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(body.paths[path]?.get, path).toBeDefined();
    const params = (path: string) => body.paths[path].get.parameters.map((p: any) => `${p.name}${p.required ? '*' : ''}`);
    expect(params('/api/compare/prompts')).toEqual(expect.arrayContaining(['prompt*', 'a*', 'b*', 'judge', 'judge_version', 'evaluation', 'dataset', 'model', 'format']));
    expect(params('/api/compare/judges')).toEqual(expect.arrayContaining(['judge*', 'a*', 'b*', 'evaluation', 'prompt', 'limit', 'cursor', 'format']));
    expect(params('/api/prompts')).toEqual(expect.arrayContaining(['prompt*', 'since', 'until', 'judge_version']));
    expect(Object.keys(body.paths['/api/triples'].get.responses['200'].content)).toEqual(['application/json', 'text/csv', 'application/x-ndjson']);
    expect(body.components.schemas.JudgeComparison.properties.cohen_kappa).toBeDefined();
  });
});
