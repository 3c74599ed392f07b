import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../collector/config.js';

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

  it('starts the collector only once ClickHouse is healthy, and publishes port 4318', () => {
    expect(collector.depends_on).toEqual({ clickhouse: { condition: 'service_healthy' } });
    expect(collector.ports).toContain('4318:4318');
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
  const position = (op: string, pattern: RegExp) => instructions.findIndex((x) => x.op === op && pattern.test(x.arg));

  it('builds on a Node 20 slim image', () => {
    expect(args('FROM')).toHaveLength(1);
    expect(args('FROM')[0]).toMatch(/^node:20(\.\d+)*-[a-z]+-slim$/);
  });

  it('installs the locked production dependencies before copying the sources', () => {
    const install = position('RUN', /\bnpm ci\b.*--omit=dev/);
    expect(install).toBeGreaterThan(-1);
    expect(position('COPY', /package\.json.*package-lock\.json/)).toBeLessThan(install);
    expect(position('COPY', /^src\b/)).toBeGreaterThan(install);
  });

  it('copies everything the collector reads at run time, and starts it as npm start does', () => {
    const copied = args('COPY').map((a) => a.split(/\s+/)[0]);
    expect(copied).toEqual(expect.arrayContaining(['src', 'collector', 'clickhouse', 'scripts']));
    // npm start builds dist/ first (prestart); the image builds it once, after the sources are in.
    const build = (JSON.parse(read('package.json')) as { scripts: { prestart: string } }).scripts.prestart;
    expect(position('RUN', new RegExp(`^${build}$`))).toBeGreaterThan(position('COPY', /^collector\b/));
    const cmd = JSON.parse(args('CMD')[0]!) as string[];
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    expect([['npm', 'start'], start.split(' ')]).toContainEqual(cmd);
    expect(args('EXPOSE')).toEqual(['4318']);
  });

  it('imports at run time only packages that `npm ci --omit=dev` installs', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
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
        if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
        else bare.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
      }
    };
    visit(join(ROOT, 'collector/main.ts'));
    expect(seen.size).toBeGreaterThan(10);
    const missing = [...bare].filter((s) => !s.startsWith('node:') && !builtinModules.includes(s) && !(s in pkg.dependencies));
    expect(missing).toEqual([]);
    expect(pkg.dependencies).toHaveProperty('tsx');
  });
});

describe('.dockerignore', () => {
  const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

  it('keeps node_modules, local data and secrets out of the build context, and the sources in', () => {
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.evaltrace', '.env', '.git']));
    for (const needed of ['src', 'collector', 'clickhouse', 'package.json', 'package-lock.json', 'tsconfig.json']) {
      expect(ignored, needed).not.toContain(needed);
      expect(existsSync(join(ROOT, needed)), needed).toBe(true);
    }
  });
});
