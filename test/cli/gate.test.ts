import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../collector/cli/main.js';
import type { RunningCollector } from '../../collector/server.js';
import { startTestCollector } from '../helpers/collector.js';
import { clamp01, DATASET, derive, planBaseline, PROMPT, sendGateTasks } from '../helpers/gate-scenarios.js';

const BIN = join(import.meta.dirname, '../../collector/bin/evaltrace.mjs');
const DIR = mkdtempSync(join(tmpdir(), 'evaltrace-gate-cli-'));
const MODEL = 'gpt-x';
const base = planBaseline({ seed: 5, datasetVersion: 'd1', count: 30, model: MODEL, promptVersion: 'base' });
const plans = [
  base,
  derive(base, 'better', (t) => ({ score: clamp01(t.score + 0.1) })),
  derive(base, 'worse', (t) => ({ score: clamp01(t.score - 0.2) })),
  derive(base, 'noisy', (t, i) => ({ score: clamp01(t.score + (i % 2 === 0 ? 0.1 : -0.1)) })),
];
const side = (promptVersion: string) => ({ dataset: DATASET, dataset_version: 'd1', model: MODEL, prompt: PROMPT, prompt_version: promptVersion });
const RULES = [
  { metric: 'score_mean', direction: 'higher_is_better', margin: { absolute: 0.02 }, severity: 'block' },
  { metric: 'cost_per_success', direction: 'lower_is_better', margin: { relative: 0.2 }, severity: 'warn' },
];

function gateFile(candidate: string): string {
  const file = join(DIR, `gate-${candidate}.json`);
  writeFileSync(file, JSON.stringify({ baseline: side('base'), candidate: side(candidate), rules: RULES, min_n: 30 }));
  return file;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let collector: RunningCollector;

/** Runs the real bin in a child process (asynchronously: the collector answers from this process). */
function bin(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', EVALTRACE_URL: collector.url }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** The same CLI entry point in this process, for the cases where the exit code is not the point (a child process costs a second). */
async function cli(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { EVALTRACE_URL: collector.url }, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('evaltrace gate, release and card for CI', () => {
  const runs: Record<string, Promise<Run>> = {};

  beforeAll(async () => {
    collector = await startTestCollector();
    await sendGateTasks(collector.url, plans.flat());
    // The gate runs start together; each test awaits its own.
    runs.promote = bin('gate', '--config', gateFile('better'));
    runs.block = bin('gate', '--config', gateFile('worse'));
    runs.warn = bin('gate', '--config', gateFile('noisy'));
    runs.warnOk = bin('gate', '--config', gateFile('noisy'), '--warn-ok');
    runs.json = cli('gate', '--config', gateFile('worse'), '--json');
  }, 60_000);

  afterAll(async () => {
    await collector?.close();
  });

  it('exits 0 on promote and prints the checks as an aligned table', async () => {
    const { code, stdout } = await runs.promote!;
    expect(code).toBe(0);
    expect(stdout).toMatch(/^decision: PROMOTE {4}\(decision id [0-9a-f-]{36}\)/);
    const lines = stdout.split('\n');
    const head = lines.findIndex((l) => l.startsWith('rule '));
    expect(lines[head]).toMatch(/^rule\s+severity\s+n\s+baseline\s+candidate\s+Δ\s+95% CI\s+allowed worse\s+outcome$/);
    expect(lines[head + 1]).toMatch(/^─+( +─+)+$/);
    expect(lines[head + 2]).toMatch(/^score_mean \(correctness\)\s+block\s+30\s+.*PASS$/);
    expect(lines[head + 3]).toMatch(/^cost_per_success\s+warn\s+30\s+.*PASS$/);
    expect(stdout).toMatch(/next: Promote the candidate/);
  });

  it('exits 1 on block and lists the regression samples', async () => {
    const { code, stdout } = await runs.block!;
    expect(code).toBe(1);
    expect(stdout).toMatch(/^decision: BLOCK/);
    expect(stdout).toMatch(/score_mean \(correctness\)\s+block\s+30\s+.*FAIL/);
    expect(stdout).toMatch(/regression samples \(example: candidate traces\):\n {2}score_mean \(correctness\): ex-\d{3} [0-9a-f]{32}/);
  });

  it('exits 2 on warn, or 0 with --warn-ok', async () => {
    const warn = await runs.warn!;
    expect(warn.code).toBe(2);
    expect(warn.stdout).toMatch(/^decision: WARN/);
    expect(warn.stdout).toMatch(/INCONCLUSIVE/);
    const ok = await runs.warnOk!;
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^decision: WARN/);
  });

  it('prints the API answer with --json and keeps the exit code (in process)', async () => {
    const { code, stdout } = await runs.json!;
    expect(code).toBe(1);
    const body = JSON.parse(stdout);
    expect(body.decision).toBe('block');
    const record = await fetch(`${collector.url}/api/gates/decisions/${body.decision_id}`);
    expect(((await record.json()) as { result: unknown }).result).toEqual(body);
  });

  it('reports a missing gate file as a usage error and a rejected one as a failed request (in process)', async () => {
    const missing = await cli('gate', '--config', join(DIR, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`evaltrace: cannot read --config ${join(DIR, 'nope.json')}: ENOENT\n`);
    const bad = join(DIR, 'bad.json');
    writeFileSync(bad, JSON.stringify({ baseline: side('base'), candidate: side('better'), rules: [] }));
    const rejected = await cli('gate', '--config', bad);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/^evaltrace: the collector answered 400: field "rules": .*\(invalid_request\)\n$/);
  });

  it('runs the release lifecycle and prints the card (in process)', async () => {
    const created = await cli('release', 'create', 'support-bot', '--model', MODEL, '--prompt', PROMPT, '--prompt-version', 'better', '--dataset', DATASET, '--by', 'alice', '--json');
    expect(created.code).toBe(0);
    const id = JSON.parse(created.stdout).id as string;

    const refused = await cli('release', 'promote', id, '--approver', 'alice', '--reason', 'ship');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/answered 422: promoting release .* needs gate_decision_id/);

    const decision = /decision id ([0-9a-f-]{36})/.exec((await runs.promote!).stdout)![1]!;
    const staged = await cli('release', 'promote', id, '--decision', decision, '--approver', 'alice', '--reason', 'gate passed');
    expect(staged.code).toBe(0);
    expect(staged.stdout).toMatch(new RegExp(`^release ${id}  support-bot  stage: STAGING\\nmodel=gpt-x prompt=answer@better dataset=gate-qa@\\*`));
    expect(staged.stdout).toMatch(/promote\s+candidate\s+staging\s+alice\s+gate passed\s+[0-9a-f-]{36}\s+no/);

    const [list, candidate, card] = await Promise.all([
      cli('release', 'list', '--name', 'support-bot'),
      cli('release', 'rollback-candidate', 'support-bot'),
      cli('card', id),
    ]);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+support-bot\\s+staging\\s+gpt-x\\s+answer\\s+better`));
    expect(candidate.stdout).toMatch(/^no rollback candidate for support-bot: no release named support-bot has left production yet/);
    expect(card.code).toBe(0);
    expect(card.stdout).toMatch(/^# Release card: support-bot\n/);
    expect(card.stdout).toContain(`| ${decision} | promote |`);
  });
});
