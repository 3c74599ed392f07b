import { spawn } from 'node:child_process';
import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

/**
 * The browser the dashboard tests drive: EVALTRACE_CHROMIUM when set, else the
 * Chromium that the npm package @sparticuz/chromium ships inside itself
 * (brotli-compressed), unpacked once into node_modules/.cache with the shared
 * libraries (NSS, NSPR, expat) and fonts it brings, so a fresh machine needs no
 * system packages. The package's own executablePath() unpacks into /tmp and
 * adds the libraries only on AWS Lambda; this works the same anywhere.
 */
const PACKAGE = '@sparticuz/chromium';

/** The package's folder (its exports map hides package.json): up from its entry point. */
function packageDir(): string {
  let dir = dirname(createRequire(import.meta.url).resolve(PACKAGE));
  while (!existsSync(join(dir, 'bin', 'chromium.br'))) {
    if (dirname(dir) === dir) throw new Error(`${PACKAGE} has no bin/chromium.br`);
    dir = dirname(dir);
  }
  return dir;
}

function cacheDir(): string {
  const { version } = JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as { version: string };
  return join(process.cwd(), 'node_modules', '.cache', 'evaltrace-chromium', version);
}

async function untar(archive: string, into: string): Promise<void> {
  mkdirSync(into, { recursive: true });
  const tar = spawn('tar', ['-x', '-C', into], { stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code} unpacking ${archive}`))));
  });
  await pipeline(createReadStream(archive), createBrotliDecompress(), tar.stdin);
  await exited;
}

/** Unpacks the browser if it is not unpacked yet; returns the path of its executable. */
export async function prepareChromium(): Promise<string> {
  if (process.env.EVALTRACE_CHROMIUM) return process.env.EVALTRACE_CHROMIUM;
  const dir = cacheDir();
  const executable = join(dir, 'chromium');
  if (existsSync(executable)) return executable;
  const bin = join(packageDir(), 'bin');
  // Unpacked beside, then renamed: a run stopped halfway never leaves a half-written browser.
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await pipeline(createReadStream(join(bin, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(partial, 'chromium')));
  chmodSync(join(partial, 'chromium'), 0o755);
  await untar(join(bin, 'al2023.tar.br'), partial);
  await untar(join(bin, 'fonts.tar.br'), partial);
  await untar(join(bin, 'swiftshader.tar.br'), partial);
  writeFileSync(
    join(partial, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return executable;
}

/** The environment the browser needs: the libraries and fonts unpacked beside it, when it is the packaged one. */
export function chromiumEnv(executable: string): Record<string, string> {
  const dir = dirname(executable);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  if (existsSync(join(dir, 'lib'))) env.LD_LIBRARY_PATH = [join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  if (existsSync(join(dir, 'fonts.conf'))) env.FONTCONFIG_FILE = join(dir, 'fonts.conf');
  return env;
}
