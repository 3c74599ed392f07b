import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../collector/server.js';
import { freePort } from '../helpers/child-collector.js';
import { getJson, startTestCollector } from '../helpers/collector.js';

/**
 * The three packages as a user gets them: `npm pack`ed from the workspace and
 * installed into apps in a temporary folder outside the repository (so nothing
 * resolves through the workspace's node_modules). The tarballs hold the build
 * that the global setup made; `npm pack` runs prepack, which would rebuild
 * dist/ under the feet of the other test files, so it is skipped here.
 */
const ROOT = process.cwd();
const exec = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const OPENAI = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.openai!;
const SDK_BUDGET_BYTES = 25 * 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'evaltrace-packages-'));
const npm = (cwd: string, args: string[]) =>
  exec(NPM, [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd, timeout: 240_000, maxBuffer: 16 << 20 });
const node = (cwd: string, args: string[]) => exec(process.execPath, args, { cwd, timeout: 60_000 });

let conventionsTarball: string;
let sdkTarball: string;
let collectorTarball: string;

function makeApp(name: string, type: 'module' | 'commonjs'): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type }));
  return dir;
}

/** Bytes of the files under a folder (what npm's unpackedSize counts), and the disk blocks they take. */
function sizeOf(dir: string): { bytes: number; blocks: number } {
  let bytes = 0;
  let blocks = 0;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const st = lstatSync(join(dir, entry));
    if (st.isFile()) {
      bytes += st.size;
      blocks += st.blocks * 512;
    }
  }
  return { bytes, blocks };
}

/** An app that instruments a real openai client against a local stand-in for the OpenAI API. */
const APP_BODY = (load: string) => `${load}
const { createServer } = require('node:http');
async function main() {
  const [collectorUrl, datasetVersion] = process.argv.slice(2);
  const llm = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { model } = JSON.parse(body);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'Paris' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 } }));
    });
  });
  await new Promise((r) => llm.listen(0, '127.0.0.1', r));
  const telemetry = init({ endpoint: collectorUrl, serviceName: 'packed-app' });
  const client = wrap(new OpenAI({ baseURL: 'http://127.0.0.1:' + llm.address().port + '/v1', apiKey: 'test' }));
  const answer = await task({ dataset: { name: 'packed', version: datasetVersion }, prompt: { name: 'capital', version: 'v1' }, exampleId: 'q1' }, async (t) => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Capital of France?' }] });
    t.success(r.choices[0].message.content === 'Paris');
    return r.choices[0].message.content;
  });
  await telemetry.shutdown();
  llm.close();
  console.log(JSON.stringify({ answer, datasetAttribute: ATTR.datasetName }));
}
main().catch((err) => { console.error(err); process.exit(1); });
`;

beforeAll(async () => {
  const packed = await exec(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work, '-w', 'conventions', '-w', 'src', '-w', 'collector'], { cwd: ROOT, timeout: 120_000 });
  const files = (JSON.parse(packed.stdout) as { name: string; filename: string }[]).map((p) => ({ name: p.name, path: join(work, p.filename) }));
  conventionsTarball = files.find((f) => f.name === '@evaltrace/semantic-conventions')!.path;
  sdkTarball = files.find((f) => f.name === 'evaltrace')!.path;
  collectorTarball = files.find((f) => f.name === '@evaltrace/collector')!.path;
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the conventions package', () => {
  it('installs alone, with nothing else, and gives ESM and CommonJS the same names and prices', async () => {
    const app = makeApp('conventions-app', 'module');
    await npm(app, ['install', conventionsTarball]);
    expect(readdirSync(join(app, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['@evaltrace']);
    const probe = (load: string) => `${load}
console.log(JSON.stringify({ dataset: ATTR.datasetName, cost: costUsd('gpt-4o-mini', { inputTokens: 1000000, outputTokens: 0 }) }));`;
    writeFileSync(join(app, 'esm.mjs'), probe("import { ATTR, costUsd } from '@evaltrace/semantic-conventions';"));
    writeFileSync(join(app, 'cjs.cjs'), probe("const { ATTR, costUsd } = require('@evaltrace/semantic-conventions');"));
    const [esm, cjs] = await Promise.all([node(app, ['esm.mjs']), node(app, ['cjs.cjs'])]);
    const answer = JSON.parse(esm.stdout) as { dataset: string; cost: number };
    expect(answer.dataset).toBe('evaltrace.dataset.name');
    expect(answer.cost).toBeGreaterThan(0);
    expect(JSON.parse(cjs.stdout)).toEqual(answer);
  }, 120_000);

  it('imports nothing but Node built-ins and its own files', () => {
    const dir = join(ROOT, 'conventions');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const [, spec] of source.matchAll(/\bfrom\s+'([^']+)'/g)) expect(spec!, `${file} imports ${spec}`).toMatch(/^(node:|\.\/[\w-]+\.js$)/);
    }
  });
});

describe('the SDK package', () => {
  let collector: RunningCollector;
  let esmApp: string;
  let cjsApp: string;

  beforeAll(async () => {
    collector = await startTestCollector();
    esmApp = makeApp('esm-app', 'module');
    await npm(esmApp, ['install', conventionsTarball, sdkTarball, `openai@${OPENAI}`]);
    cjsApp = makeApp('cjs-app', 'commonjs');
    await npm(cjsApp, ['install', conventionsTarball, sdkTarball, `openai@${OPENAI}`]);
  }, 300_000);

  afterAll(() => collector?.close());

  it('ships compiled JavaScript for import and require, with declarations, and no TypeScript sources', async () => {
    const listed = await exec(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts', '-w', 'src'], { cwd: ROOT });
    const paths = (JSON.parse(listed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', 'package.json']));
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  });

  it('depends on OpenTelemetry and the conventions package alone, which depends on nothing; openai and the Anthropic SDK are optional peers', () => {
    const manifest = JSON.parse(readFileSync(join(esmApp, 'node_modules/evaltrace/package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const others = Object.keys(manifest.dependencies!).filter((d) => !d.startsWith('@opentelemetry/'));
    expect(others).toEqual(['@evaltrace/semantic-conventions']);
    const conventions = JSON.parse(readFileSync(join(esmApp, 'node_modules/@evaltrace/semantic-conventions/package.json'), 'utf8')) as Record<string, unknown>;
    expect(conventions.dependencies).toBeUndefined();
    expect(manifest.peerDependenciesMeta).toEqual({ openai: { optional: true }, '@anthropic-ai/sdk': { optional: true } });
  });

  it('under plain node as ESM, instruments a real openai client and the collector stores its span with the versions', async () => {
    writeFileSync(join(esmApp, 'app.mjs'), APP_BODY("import OpenAI from 'openai';\nimport { ATTR, init, task, wrap } from 'evaltrace';\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);"));
    const run = await node(esmApp, ['app.mjs', collector.url, 'esm']);
    expect(JSON.parse(run.stdout)).toEqual({ answer: 'Paris', datasetAttribute: 'evaltrace.dataset.name' });
    await expectStored(collector, 'esm');
  });

  it('under plain node as CommonJS (require), does the same', async () => {
    writeFileSync(join(cjsApp, 'app.js'), APP_BODY("const OpenAI = require('openai').default;\nconst { ATTR, init, task, wrap } = require('evaltrace');"));
    const run = await node(cjsApp, ['app.js', collector.url, 'cjs']);
    expect(JSON.parse(run.stdout)).toEqual({ answer: 'Paris', datasetAttribute: 'evaltrace.dataset.name' });
    await expectStored(collector, 'cjs');
  });

  it('type-checks a TypeScript app against its declarations (ESM and CommonJS), and rejects a wrong call', async () => {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const options = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck'];
    const good = `import { type Versions, init, task, wrap, withVersions } from 'evaltrace';
import OpenAI from 'openai';
const telemetry = init({ endpoint: 'http://127.0.0.1:4318', captureContent: false });
const client = wrap(new OpenAI({ apiKey: 'x' }));
const versions: Versions = { dataset: { name: 'qa', version: 'v1' }, prompt: { name: 'answer', version: 'v2' } };
export const n: Promise<number> = withVersions(versions, () => task({ exampleId: 1 }, async () => (await client.models.list()).data.length));
export const done: Promise<void> = telemetry.flush();
`;
    writeFileSync(join(esmApp, 'app.mts'), good);
    writeFileSync(join(cjsApp, 'app.cts'), good);
    const check = (cwd: string, file: string) =>
      exec(process.execPath, [tsc, ...options, file], { cwd }).then(
        () => '',
        (err: { stdout: string }) => err.stdout,
      );
    expect(await check(esmApp, 'app.mts')).toBe('');
    expect(await check(cjsApp, 'app.cts')).toBe('');
    writeFileSync(join(esmApp, 'bad.mts'), "import { init } from 'evaltrace';\ninit({ endpoint: 4318 });\n");
    expect(await check(esmApp, 'bad.mts')).toMatch(/bad\.mts\(2,8\): error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it(`adds at most ${SDK_BUDGET_BYTES / 2 ** 20} MB to an empty app's node_modules`, async () => {
    const app = makeApp('size-app', 'module');
    await npm(app, ['install', conventionsTarball, sdkTarball]);
    const installed = readdirSync(join(app, 'node_modules'), { withFileTypes: true }).filter((d) => !d.name.startsWith('.')).map((d) => d.name);
    expect(installed.sort()).toEqual(['@evaltrace', '@opentelemetry', 'evaltrace']);
    const { bytes, blocks } = sizeOf(join(app, 'node_modules'));
    console.log(`SDK install: ${(bytes / 2 ** 20).toFixed(1)} MiB of files, ${(blocks / 2 ** 20).toFixed(1)} MiB of disk blocks`);
    expect(bytes).toBeLessThanOrEqual(SDK_BUDGET_BYTES);
  }, 120_000);
});

describe('the collector package', () => {
  let child: ChildProcess | undefined;
  let app: string;

  beforeAll(async () => {
    app = makeApp('collector-app', 'module');
    await npm(app, ['install', conventionsTarball, sdkTarball, collectorTarball]);
  }, 300_000);

  afterAll(() => child?.kill('SIGTERM'));

  it('installed outside the repo, its bin starts the collector on embedded ClickHouse, which answers /healthz', async () => {
    const port = await freePort();
    const dataDir = join(work, 'collector-data');
    // No arguments: what `npx @evaltrace/collector` runs.
    child = spawn(join(app, 'node_modules/.bin/evaltrace'), [], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', EVALTRACE_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('listening on')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the packed collector did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toContain('embedded ClickHouse');
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toContain('<title>');
  }, 300_000);

  it('runs the demo from the installed package (what `npx @evaltrace/collector demo` runs)', async () => {
    const run = await exec(join(app, 'node_modules/.bin/evaltrace'), ['demo', '--port', '0', '--exit', '--data', join(work, 'demo-data')], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '' },
      timeout: 120_000,
    });
    expect(run.stdout).toMatch(/^evaltrace demo: 792 tasks/m);
    expect(run.stdout).toMatch(/: PROMOTE$/m);
  }, 180_000);
});

async function expectStored(collector: RunningCollector, datasetVersion: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { body } = await getJson<{ triples: Record<string, unknown>[] }>(collector, `/api/triples?dataset=packed&dataset_version=${datasetVersion}`);
    if (body.triples.length > 0 || Date.now() > deadline) {
      expect(body.triples).toMatchObject([{ dataset: 'packed', dataset_version: datasetVersion, model: 'gpt-4o-mini', prompt: 'capital', prompt_version: 'v1', n_traces: 1, n_success: 1 }]);
      expect(body.triples[0]!.cost_usd).toBeGreaterThan(0);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
