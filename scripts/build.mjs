// Builds the three packages of the workspace to plain JavaScript:
//   node scripts/build.mjs [conventions|sdk|collector]   (all when no argument)
// - conventions and sdk: conventions/ and src/ each to dist/esm (ESM) and
//   dist/cjs (CommonJS), each with the .d.ts declarations beside it, so
//   `import` and `require` both get types that match their module kind.
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

/** A library package (conventions/, src/): ESM and CommonJS, with declarations for each. */
async function buildLibrary(dir) {
  const out = join(root, dir, 'dist');
  rmSync(out, { recursive: true, force: true });
  const entryPoints = sources(dir);
  await build({ ...common, entryPoints, outdir: join(out, 'esm'), outbase: join(root, dir), format: 'esm' });
  await build({ ...common, entryPoints, outdir: join(out, 'cjs'), outbase: join(root, dir), format: 'cjs' });
  // The package is "type": "module"; this makes Node (and TypeScript) read dist/cjs as CommonJS.
  writeFileSync(join(out, 'cjs/package.json'), '{ "type": "commonjs" }\n');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, dir, 'tsconfig.build.json')], { stdio: 'inherit' });
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
const PACKAGES = ['conventions', 'sdk', 'collector'];
if (which !== undefined && !PACKAGES.includes(which)) {
  console.error(`usage: node scripts/build.mjs [${PACKAGES.join('|')}]; got "${which}"`);
  process.exit(2);
}
// Each package imports the built output of those before it (sdk and collector import the conventions).
if (which === undefined || which === 'conventions') await buildLibrary('conventions');
if (which === undefined || which === 'sdk') await buildLibrary('src');
if (which === undefined || which === 'collector') await buildCollector();
