import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../collector/config.js';
import { startScript } from './helpers/child-collector.js';

// No Docker engine runs here: these read docker-compose.yml, the Dockerfile and
// .dockerignore as Compose and Docker would, and check them against the code.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment: Env;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval: string; retries: number };
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const clickhouse = compose.services.clickhouse!;
const collector = compose.services.collector!;

/** Compose's `${NAME}` / `${NAME:-default}` interpolation; any other use of `$` fails the test. */
function interpolate(env: Env, shell: Env): Env {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => {
      const out = String(v).replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => shell[name] || (fallback ?? ''));
      expect(out, `${k} uses interpolation this test does not model`).not.toContain('$');
      return [k, out];
    }),
  );
}

describe('docker-compose.yml', () => {
  it('runs a pinned clickhouse/clickhouse-server release, never a floating tag', () => {
    expect(clickhouse.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+\.\d+\.\d+$/);
  });

  it('health-checks ClickHouse on /ping and keeps its data in a named volume', () => {
    expect(clickhouse.healthcheck!.test.join(' ')).toMatch(/http:\/\/localhost:8123\/ping/);
    expect(clickhouse.healthcheck!.retries).toBeGreaterThan(0);
    const [volume, target] = clickhouse.volumes![0]!.split(':');
    expect(target).toBe('/var/lib/clickhouse');
    expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('starts the collector only once ClickHouse is healthy, and publishes ports 4318 (HTTP) and 4317 (OTLP/gRPC)', () => {
    expect(collector.depends_on).toEqual({ clickhouse: { condition: 'service_healthy' } });
    expect(collector.ports).toContain('4318:4318');
    expect(collector.ports).toContain('4317:4317');
    expect(collector.healthcheck!.test.join(' ')).toMatch(/127\.0\.0\.1:4318\/readyz/);
  });

  it('builds the collector from the Dockerfile in the repository root', () => {
    expect(collector.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
  });

  it('wires the collector to the ClickHouse service: the config it loads names the same server, user, password and database', () => {
    for (const shell of [{}, { EVALTRACE_CLICKHOUSE_USER: 'ops', EVALTRACE_CLICKHOUSE_PASSWORD: 'from .env' }] as Env[]) {
      const server = interpolate(clickhouse.environment, shell);
      const config = loadConfig(interpolate(collector.environment, shell));
      expect(config.port).toBe(4318);
      expect(config.grpc).toEqual({ port: 4317, required: true });
      expect(config.apiKeys).toBeNull();
      expect(config.clickhouse).toEqual({
        url: 'http://clickhouse:8123',
        user: server.CLICKHOUSE_USER,
        password: server.CLICKHOUSE_PASSWORD,
        database: server.CLICKHOUSE_DB,
        timeoutMs: 30_000,
      });
      if (shell.EVALTRACE_CLICKHOUSE_PASSWORD) expect(config.clickhouse!.password).toBe('from .env');
    }
  });

  it('passes API keys through to the collector when they are set', () => {
    const config = loadConfig(interpolate(collector.environment, { EVALTRACE_API_KEYS: 'k1:team-a,k2:team-b' }));
    expect(config.apiKeys).toEqual(new Map([['k1', 'team-a'], ['k2', 'team-b']]));
  });
});

describe('Dockerfile', () => {
  const instructions = read('Dockerfile')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const i = l.indexOf(' ');
      return { op: l.slice(0, i).toUpperCase(), arg: l.slice(i + 1).trim() };
    });
  const args = (op: string) => instructions.filter((x) => x.op === op).map((x) => x.arg);

  /** The instructions of the stage that starts at the n-th FROM. */
  const stage = (n: number) => {
    const froms = instructions.flatMap((x, i) => (x.op === 'FROM' ? [i] : []));
    return instructions.slice(froms[n], froms[n + 1]);
  };
  const [build, run] = [stage(0), stage(1)];
  const at = (list: typeof instructions, op: string, pattern: RegExp) => list.findIndex((x) => x.op === op && pattern.test(x.arg));
  const pkg = (path: string) => JSON.parse(read(path)) as { scripts: Record<string, string>; dependencies: Record<string, string> };

  it('builds in one Node 20 slim stage and runs in another', () => {
    expect(args('FROM')).toHaveLength(2);
    for (const from of args('FROM')) expect(from).toMatch(/^node:20(\.\d+)*-[a-z]+-slim( AS \w+)?$/);
  });

  it('builds with the locked dependencies, installed before the sources are copied, as npm run build does', () => {
    const install = at(build, 'RUN', /\bnpm ci\b/);
    expect(install).toBeGreaterThan(-1);
    expect(at(build, 'COPY', /^package\.json package-lock\.json/)).toBeLessThan(install);
    expect(at(build, 'COPY', /^conventions\/package\.json/)).toBeLessThan(install);
    expect(at(build, 'COPY', /^src\/package\.json/)).toBeLessThan(install);
    expect(at(build, 'COPY', /^collector\/package\.json/)).toBeLessThan(install);
    for (const needed of ['conventions', 'src', 'collector', 'clickhouse', 'scripts', 'tsconfig.json']) expect(at(build, 'COPY', new RegExp(`^${needed} `)), needed).toBeGreaterThan(install);
    expect(at(build, 'RUN', new RegExp(`^${pkg('package.json').scripts.build}$`))).toBeGreaterThan(at(build, 'COPY', /^scripts\b/));
  });

  it("runs with only the collector workspace's locked production dependencies and the built JavaScript", () => {
    expect(at(run, 'RUN', /\bnpm ci\b.*--omit=dev.*--workspace collector/)).toBeGreaterThan(-1);
    const copied = run.filter((x) => x.op === 'COPY' && x.arg.startsWith('--from=build')).map((x) => x.arg.split(/\s+/)[1]);
    expect(copied.sort()).toEqual(['/repo/collector/dist', '/repo/conventions/dist', '/repo/src/dist']);
    const cmd = JSON.parse(args('CMD')[0]!) as string[];
    const start = startScript();
    expect(cmd).toEqual([start.command, ...start.args]);
    for (const [name, value] of Object.entries(start.variables)) expect(args('ENV')).toContain(`${name}=${value}`);
    expect(args('EXPOSE')).toEqual(['4318 4317']);
  });

  it('the collector imports at run time only packages its own package.json depends on', () => {
    const deps = pkg('collector/package.json').dependencies;
    const bare = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      const specifiers = [
        ...source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm),
        ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((m) => m[1]!);
      for (const s of specifiers) {
        if (s.startsWith('.')) {
          // A TypeScript module, or a plain one shared with the dashboard (collector/web/money.js).
          const js = resolve(dirname(file), s);
          const target = existsSync(js) ? js : resolve(dirname(file), s.replace(/\.js$/, '.ts'));
          expect(target.startsWith(join(ROOT, 'collector')), `${file} imports ${s} outside the collector package`).toBe(true);
          visit(target);
        } else bare.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
      }
    };
    visit(join(ROOT, 'collector/main.ts'));
    visit(join(ROOT, 'collector/cli/main.ts'));
    expect(seen.size).toBeGreaterThan(10);
    const missing = [...bare].filter((s) => !s.startsWith('node:') && !builtinModules.includes(s) && !(s in deps));
    expect(missing).toEqual([]);
    expect(bare).toContain('evaltrace');
  });
});

describe('.dockerignore', () => {
  const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

  it('keeps node_modules, local data and secrets out of the build context, and the sources in', () => {
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.evaltrace', '.env', '.git']));
    for (const needed of ['conventions', 'src', 'collector', 'clickhouse', 'package.json', 'package-lock.json', 'tsconfig.json']) {
      expect(ignored, needed).not.toContain(needed);
      expect(existsSync(join(ROOT, needed)), needed).toBe(true);
    }
  });
});
