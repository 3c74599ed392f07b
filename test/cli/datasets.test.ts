import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { startTestCollector } from '../helpers/collector.js';

/** `evaltrace datasets push|list|show|diff` through the real bin against a live collector. */

const KEY = 'k-cli-datasets';
const BIN = join(import.meta.dirname, '../../collector/bin/evaltrace.mjs');
const DIR = mkdtempSync(join(tmpdir(), 'evaltrace-cli-datasets-'));
let collector: RunningCollector;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) =>
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', EVALTRACE_URL: collector.url, EVALTRACE_API_KEY: KEY }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    ),
  );
}

function file(name: string, text: string): string {
  const p = join(DIR, name);
  writeFileSync(p, text);
  return p;
}

async function api(path: string) {
  return (await fetch(collector.url + path, { headers: { authorization: `Bearer ${KEY}` } })).json() as Promise<any>;
}

const V1 = [
  { id: 'a', input: 'two plus two', expected: '4' },
  { id: 'b', input: 'capital of France', expected: 'Paris' },
  { id: 'c', input: 'largest planet', expected: 'Jupiter' },
];
const V2_CSV = 'id,input,expected\na,two plus two,4\nb,capital of France,Paris (France)\nd,smallest prime,2\n';

beforeAll(async () => {
  collector = await startTestCollector({ env: { EVALTRACE_API_KEYS: `${KEY}:acme` } });
}, 60_000);

afterAll(async () => {
  await collector?.close();
});

describe('evaltrace datasets (CLI)', () => {
  it('pushes a JSON file as a labelled version, a second push of the same content is unchanged, and other content under that label is refused', async () => {
    const json = file('v1.json', JSON.stringify({ items: V1 }));
    const first = await cli(['datasets', 'push', 'qa', json, '--label', 'v1']);
    expect(first.code, first.stderr).toBe(0);
    const stored = await api('/api/datasets/qa/versions/v1');
    expect(first.stdout).toBe(`stored dataset qa version v1 (content hash ${stored.content_hash}, 3 items)\n`);
    const again = await cli(['datasets', 'push', 'qa', json, '--label', 'v1']);
    expect(again.stdout).toMatch(/^already stored, unchanged: dataset qa version v1 /);
    const other = await cli(['datasets', 'push', 'qa', file('other.jsonl', '{"id":"z","input":"other"}\n'), '--label', 'v1']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/409.*v1/);
    expect((await api('/api/datasets/qa')).versions).toHaveLength(1);
  });

  it('pushes a CSV file under its content hash, then lists datasets and one dataset\'s versions', async () => {
    const csv = await cli(['datasets', 'push', 'qa', file('v2.csv', V2_CSV), '--json']);
    expect(csv.code, csv.stderr).toBe(0);
    const created = JSON.parse(csv.stdout);
    expect(created).toMatchObject({ dataset: 'qa', label: null, item_count: 3, created: true });
    expect(created.version).toBe(created.content_hash);
    const list = await cli(['datasets', 'list']);
    expect(list.stdout.split('\n').find((l) => l.startsWith('qa '))!.split(/\s+/).slice(0, 5)).toEqual(['qa', '2', created.version, created.content_hash, '3']);
    const versions = await cli(['datasets', 'list', '--dataset', 'qa']);
    expect(versions.stdout.split('\n').filter((l) => l.startsWith('qa ')).map((l) => l.split(/\s+/)[1])).toEqual([created.version, 'v1']);
  });

  it('shows a version\'s items a page at a time and diffs two versions item by item', async () => {
    const page = await cli(['datasets', 'show', 'qa', 'v1', '--limit', '2']);
    expect(page.code, page.stderr).toBe(0);
    expect(page.stdout).toContain('items 1–2 of 3');
    expect(page.stdout.split('\n').filter((l) => /^[abc] /.test(l)).map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['a', 'two plus two', '4'],
      ['b', 'capital of France', 'Paris'],
    ]);
    expect(page.stdout).toContain('more: --offset 2');
    const v2 = (await api('/api/datasets/qa')).versions[0].version;
    const diff = await cli(['datasets', 'diff', 'qa', 'v1', v2]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout.split('\n')[0]).toBe(`dataset qa: v1 → ${v2}: 1 added, 1 removed, 1 changed, 1 unchanged`);
    /** The rows of the table under "title:", split into cells. */
    const rows = (title: string) => {
      const lines = diff.stdout.slice(diff.stdout.indexOf(`\n${title}:\n`) + title.length + 3).split('\n');
      return lines.slice(2, lines.findIndex((l, i) => i > 1 && !/^[a-z] /.test(l))).map((l) => l.trim().split(/\s{2,}/));
    };
    expect(rows('added')).toEqual([['d', 'smallest prime', '2', '—']]);
    expect(rows('removed')).toEqual([['c', 'largest planet', 'Jupiter', '—']]);
    expect(rows('changed')).toEqual([['b', 'capital of France', 'Paris (France)', 'capital of France', 'Paris']]);
  });

  it('names the problem: an unknown version is a 404, an unknown file type or a missing file is a usage error', async () => {
    const missing = await cli(['datasets', 'show', 'qa', 'v9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404.*qa has no version v9/);
    const type = await cli(['datasets', 'push', 'qa', file('items.txt', 'x')]);
    expect(type.code).toBe(2);
    expect(type.stderr).toMatch(/\.json, \.jsonl, \.ndjson or \.csv/);
    const absent = await cli(['datasets', 'push', 'qa', join(DIR, 'absent.json')]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(/cannot read .*absent\.json: ENOENT/);
  });
});
