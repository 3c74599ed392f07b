import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstLine, gotoView, launchBrowser, openPage, shownNumber, tableRows } from '../helpers/browser.js';

const BIN = join(import.meta.dirname, '../../collector/bin/evaltrace.mjs');
const ENV = { PATH: process.env.PATH ?? '' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: ENV, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** What the demo has printed so far; stderr keeps growing after stdout says it serves, as the two pipes are read independently. */
interface Printed {
  stdout: string;
  stderr: string;
}

/** The demo as a newcomer runs it: the real bin, serving after the data is in. */
function startDemo(dataDir: string): Promise<{ child: ChildProcess; printed: Printed }> {
  const child = spawn(process.execPath, [BIN, 'demo', '--port', '0', '--data', dataDir], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const printed: Printed = { stdout: '', stderr: '' };
  child.stderr!.on('data', (c: Buffer) => (printed.stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      printed.stdout += c.toString();
      if (printed.stdout.includes('until Ctrl-C')) resolve({ child, printed });
    });
    child.once('exit', (code) => reject(new Error(`demo exited ${code} before serving:\n${printed.stdout}\n${printed.stderr}`)));
  });
}

/** Waits up to 10 s for what the demo wrote to stderr before its report to arrive through that pipe. */
async function stderrWhen(printed: Printed, done: (stderr: string) => boolean): Promise<string> {
  for (let waited = 0; waited < 10_000 && !done(printed.stderr); waited += 50) await new Promise((r) => setTimeout(r, 50));
  return printed.stderr;
}

const linkOf = (stdout: string, name: string) => stdout.match(new RegExp(`^  ${name} +(http\\S+)$`, 'm'))?.[1];
type Json = any;

describe('evaltrace demo: one command fills every dashboard page', () => {
  let child: ChildProcess;
  let stdout: string;
  let printed: Printed;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const api = async (path: string): Promise<Json> => (await fetch(origin + path)).json();

  beforeAll(async () => {
    ({ child, printed } = await startDemo(join(mkdtempSync(join(tmpdir(), 'evaltrace-demo-')), 'demo')));
    stdout = printed.stdout;
    origin = new URL(linkOf(stdout, 'triples')!).origin;
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, origin));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    child?.kill('SIGTERM');
  });

  it('reports the run, shows progress on stderr and prints a link for every page', async () => {
    expect(stdout).toMatch(/^evaltrace demo: 792 tasks \(\d+ failed/m);
    // Not a terminal: one progress line per tenth of each phase, ending at 100%.
    const stderr = await stderrWhen(printed, (s) => (s.match(/100% 792\/792/g) ?? []).length >= 3);
    expect(stderr.match(/100% 792\/792/g)).toHaveLength(3);
    for (const name of ['triples', 'prompt versions', 'compare prompts', 'compare judges', 'runs', 'compare runs', 'datasets', 'traces', 'a trace the judges disagree on', 'gate decision \\(API\\)', 'release card \\(API\\)']) {
      expect(linkOf(stdout, name), name).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }
  });

  it('stored 2 dataset versions × 3 models × 2 prompt versions, each judged by j1 and j2, with cost', async () => {
    const { triples } = await api('/api/triples');
    expect(triples).toHaveLength(12);
    expect(new Set(triples.map((t: Json) => t.dataset_version))).toEqual(new Set(['2026-10', '2026-11']));
    expect(new Set(triples.map((t: Json) => t.model)).size).toBe(3);
    expect(triples.reduce((n: number, t: Json) => n + t.n_traces, 0)).toBe(792);
    for (const t of triples) {
      expect(t.n_traces).toBe((t.dataset_version === '2026-10' ? 30 : 36) * 2);
      expect(t.cost_per_success).toBeGreaterThan(0);
      expect(t.judges.map((j: Json) => j.judge_version).sort()).toEqual(['j1', 'j2']);
    }
  });

  it("counts a task as successful exactly when its stored output is an answer, not a decline or an error", async () => {
    const outputs: Array<string | null> = [];
    let cursor: string | null = null;
    do {
      const body: Json = await api(`/api/traces?dataset=support-qa&limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      for (const t of body.traces) outputs.push(t.output);
      cursor = body.next_cursor;
    } while (cursor);
    expect(outputs).toHaveLength(792);
    const answered = outputs.filter((o) => o !== null && o !== '' && !o.includes("I don't know")).length;
    const { triples } = await api('/api/triples');
    expect(triples.reduce((n: number, t: Json) => n + t.n_success, 0)).toBe(answered);
    expect(answered).toBeLessThan(792);
  });

  it('the prompt change is a real improvement, the judges disagree on some traces, and the gate decided with evidence', async () => {
    const cmp = await api('/api/compare/prompts?prompt=answer&a=v1&b=v2&dataset=support-qa&dataset_version=2026-11&judge=correctness&judge_version=j1');
    expect(cmp.models).toHaveLength(3);
    for (const m of cmp.models) expect(m.mean_delta, m.model).toBeGreaterThan(0);
    const judges = await api('/api/compare/judges?judge=correctness&a=j1&b=j2');
    expect(judges.n).toBeGreaterThan(700);
    expect(judges.agreement).toBeGreaterThan(0.5);
    expect(judges.agreement).toBeLessThan(1);
    const decisionId = linkOf(stdout, 'gate decision \\(API\\)')!.split('/').at(-1)!;
    const decision = await api(`/api/gates/decisions/${decisionId}`);
    expect(decision.decision).toBe('promote');
    expect(decision.result.checks.map((c: Json) => c.outcome)).toEqual(['pass', 'pass', 'pass', 'pass']);
    const { releases } = await api('/api/releases?name=support-bot');
    const byVersion = Object.fromEntries(releases.map((r: Json) => [r.config.prompt_version, r]));
    expect(byVersion.v2.stage).toBe('production');
    expect(byVersion.v2.history.at(-1).gate_decision_id).toBe(decisionId);
    expect(byVersion.v1.stage).toBe('archived');
  });

  it('every page the demo links to renders its data in a real browser', async () => {
    const { triples } = await api('/api/triples');
    await gotoView(page, origin, '#/triples');
    const rows = await tableRows(page, 'triples');
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      const t = triples.find((x: Json) => `${x.dataset}@${x.dataset_version}` === r.dataset && x.model === r.model && `${x.prompt}@${x.prompt_version}` === r.prompt);
      expect(shownNumber(r.n_traces!), JSON.stringify(r)).toBe(t.n_traces);
    }

    await gotoView(page, origin, new URL(linkOf(stdout, 'prompt versions')!).hash);
    expect((await tableRows(page, 'prompt-versions')).length).toBe(12);

    await gotoView(page, origin, new URL(linkOf(stdout, 'compare prompts')!).hash);
    expect((await tableRows(page, 'prompt-comparison')).map((r) => r.model).sort()).toEqual(['gpt-4.1-mini', 'gpt-4o', 'gpt-4o-mini']);

    const judges = await api('/api/compare/judges?judge=correctness&a=j1&b=j2');
    await gotoView(page, origin, new URL(linkOf(stdout, 'compare judges')!).hash);
    expect(await page.getByTestId('tile-n').innerText()).toContain(judges.n.toLocaleString('en-US'));
    expect((await tableRows(page, 'disagreements')).length).toBeGreaterThan(0);

    await gotoView(page, origin, '#/traces');
    expect((await tableRows(page, 'traces')).length).toBeGreaterThan(0);

    // 2 dataset versions × 3 models × 2 prompt versions, each a run of its own, each covering its stored dataset version.
    await gotoView(page, origin, new URL(linkOf(stdout, 'runs')!).hash);
    expect((await tableRows(page, 'runs')).length).toBe(12);
    const cmp = await api('/api/compare/runs?a=2026-11-gpt-4o-mini-v1&b=2026-11-gpt-4o-mini-v2&judge=correctness&judge_version=j1&evaluation=correctness');
    expect(cmp.coverage.a.complete && cmp.coverage.b.complete).toBe(true);
    await gotoView(page, origin, new URL(linkOf(stdout, 'compare runs')!).hash);
    expect((await tableRows(page, 'run-items')).length).toBe(Math.min(50, cmp.n_items));
    await gotoView(page, origin, new URL(linkOf(stdout, 'datasets')!).hash);
    expect((await tableRows(page, 'versions')).map((v) => v.version)).toEqual(['2026-11', '2026-10']);

    await gotoView(page, origin, new URL(linkOf(stdout, 'a trace the judges disagree on')!).hash);
    const evaluations = await tableRows(page, 'evaluations');
    expect(evaluations).toHaveLength(2);
    expect(new Set(evaluations.map((e) => firstLine(e.score ?? '')))).toHaveProperty('size', 2);
    expect(problems).toEqual([]);
  });
});

describe('evaltrace demo: clear errors, nothing replaced by accident', () => {
  it('refuses a data directory that is not its own, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evaltrace-notdemo-'));
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'keep.txt'), 'precious');
    const run = await cli(['demo', '--data', join(dir, 'mine'), '--port', '0', '--exit']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, 'mine')} is not empty and is not a demo directory`);
  });

  it('says which port is taken and how to use the collector already there', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    try {
      const run = await cli(['demo', '--port', String(port), '--exit', '--data', join(mkdtempSync(join(tmpdir(), 'evaltrace-demo-')), 'd')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`port ${port} is in use`);
      expect(run.stderr).toContain(`evaltrace demo --url http://127.0.0.1:${port}`);
    } finally {
      server.close();
    }
  });

  it('rejects --url together with --port, and an unknown option, with usage', async () => {
    const both = await cli(['demo', '--url', 'http://127.0.0.1:1', '--port', '1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one or the other');
    const unknown = await cli(['demo', '--fast']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('usage: evaltrace demo');
  });
});
