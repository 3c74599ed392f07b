// Builds the two packages of the workspace to plain JavaScript:
//   node scripts/build.mjs [sdk|collector]   (both when no argument)
// - sdk: src/ to src/dist/esm (ESM) and src/dist/cjs (CommonJS), each with the
//   .d.ts declarations beside it, so `import` and `require` both get types that
//   match their module kind.
// - collector: collector/ to collector/dist/collector, with the SQL schema in
//   collector/dist/clickhouse and the dashboard beside it: the same relative
//   places as in the repo, so paths modules resolve from import.meta.url hold
//   in both. Node runs it without a TypeScript loader (the tsx loader kept a
//   second V8 isolate alive, ~40 MB of the collector's memory).
// Files are transpiled one to one (no bundling), so a stack trace names the source file.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The .ts sources of a package folder, without its build output and tests. */
function sources(dir) {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !/^(dist|node_modules)\//.test(f))
    .map((f) => join(root, dir, f));
}

const common = { platform: 'node', target: 'node20', logLevel: 'warning', sourcemap: 'linked' };

async function buildSdk() {
  const out = join(root, 'src/dist');
  rmSync(out, { recursive: true, force: true });
  const entryPoints = sources('src');
  await build({ ...common, entryPoints, outdir: join(out, 'esm'), outbase: join(root, 'src'), format: 'esm' });
  await build({ ...common, entryPoints, outdir: join(out, 'cjs'), outbase: join(root, 'src'), format: 'cjs' });
  // The package is "type": "module"; this makes Node (and TypeScript) read dist/cjs as CommonJS.
  writeFileSync(join(out, 'cjs/package.json'), '{ "type": "commonjs" }\n');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'src/tsconfig.build.json')], { stdio: 'inherit' });
  // The same declarations serve CommonJS: read under dist/cjs, they describe a CommonJS module.
  cpSync(join(out, 'esm'), join(out, 'cjs'), { recursive: true, filter: (f) => !f.endsWith('.js') && !f.endsWith('.js.map') });
}

async function buildCollector() {
  const out = join(root, 'collector/dist');
  rmSync(out, { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: sources('collector'),
    outdir: out,
    outbase: root,
    format: 'esm',
    // Keeps `with { type: 'json' }`, which Node needs to import package.json.
    supported: { 'import-attributes': true },
  });
  // What the modules read at run time, at the same relative places as in the repo.
  mkdirSync(join(out, 'clickhouse'), { recursive: true });
  cpSync(join(root, 'clickhouse'), join(out, 'clickhouse'), { recursive: true });
  cpSync(join(root, 'collector/web'), join(out, 'collector/web'), { recursive: true });
  cpSync(join(root, 'collector/package.json'), join(out, 'collector/package.json'));
}

const which = process.argv[2];
if (which !== undefined && which !== 'sdk' && which !== 'collector') {
  console.error(`usage: node scripts/build.mjs [sdk|collector]; got "${which}"`);
  process.exit(2);
}
// The collector imports evaltrace/conventions, which resolves to the SDK's build.
if (which !== 'collector') await buildSdk();
if (which !== 'sdk') await buildCollector();
