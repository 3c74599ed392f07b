import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { ATTR, PRICE_TABLE_VERSION } from '@evaltrace/semantic-conventions';

/**
 * The reproducibility envelope recorded as resource attributes: which code,
 * runtime, platform, dependency set, price table and seed produced the traces.
 */
export function envelopeAttributes(options: { seed?: string | number; cwd?: string; env?: NodeJS.ProcessEnv }): Attributes {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const a: Attributes = {
    [`${ATTR.envPrefix}runtime`]: `node ${process.versions.node}`,
    [`${ATTR.envPrefix}platform`]: `${process.platform}-${process.arch}`,
    // The same for every span the process prices, so it rides on the resource, not on each LLM span.
    [ATTR.priceTableVersion]: PRICE_TABLE_VERSION,
  };
  const code = env.EVALTRACE_CODE_VERSION || gitHead(cwd);
  if (code) a[ATTR.codeVersion] = code;
  const deps = dependenciesHash(cwd);
  if (deps) a[ATTR.depsHash] = deps;
  if (options.seed !== undefined) a[ATTR.seed] = String(options.seed);
  return a;
}

function gitHead(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 });
    const sha = out.toString().trim();
    return /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/**
 * sha256 of the sorted `name@version` list of the app's installed dependency
 * tree (package-lock.json), else of its declared ranges (package.json),
 * whichever is found first walking up from `cwd`.
 */
export function dependenciesHash(cwd: string): string | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const list = readLock(join(dir, 'package-lock.json')) ?? readManifest(join(dir, 'package.json'));
    if (list) return createHash('sha256').update([...new Set(list)].sort().join('\n')).digest('hex');
    if (dirname(dir) === dir) return undefined;
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readLock(path: string): string[] | undefined {
  const packages = readJson(path)?.packages;
  if (packages === null || typeof packages !== 'object') return undefined;
  return Object.entries(packages as Record<string, { version?: unknown }>)
    .filter(([key, p]) => key.includes('node_modules/') && typeof p?.version === 'string')
    .map(([key, p]) => `${key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${String(p.version)}`);
}

function readManifest(path: string): string[] | undefined {
  const manifest = readJson(path);
  if (!manifest) return undefined;
  const ranges = { ...(manifest.dependencies as object), ...(manifest.devDependencies as object) } as Record<string, unknown>;
  return Object.entries(ranges).map(([name, range]) => `${name}@${String(range)}`);
}
