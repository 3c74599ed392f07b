// Transpiles the collector and the SDK to plain JavaScript in dist/, so `npm start`
// runs on node alone: the tsx loader keeps a second V8 isolate (its loader
// thread) alive for the life of the process, ~40 MB of the collector's memory.
// Files are transpiled one to one (no bundling), so relative imports and the
// paths modules resolve from import.meta.url keep their shape under dist/.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist');
const sources = ['collector', 'src'].flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, dir, f)),
);

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: sources,
  outdir: out,
  outbase: root,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Keeps `with { type: 'json' }`, which Node needs to import package.json.
  supported: { 'import-attributes': true },
  sourcemap: 'linked',
  logLevel: 'warning',
});
// What the modules read at run time, at the same relative places.
cpSync(join(root, 'clickhouse'), join(out, 'clickhouse'), { recursive: true });
cpSync(join(root, 'collector/web'), join(out, 'collector/web'), { recursive: true });
cpSync(join(root, 'package.json'), join(out, 'package.json'));
