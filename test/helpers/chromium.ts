import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';

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

/**
 * Unpacks a brotli-compressed tar archive in-process: no system `tar`, whose
 * flavour and presence differ between machines (a `tar` that stops reading at
 * the end-of-archive marker made the whole global setup fail elsewhere).
 * The archives hold regular files and folders, in ustar, pax or GNU long-name form.
 */
function untar(archive: string, into: string): void {
  const data = brotliDecompressSync(readFileSync(archive));
  const field = (block: Buffer, at: number, length: number) => block.toString('utf8', at, at + length).replace(/\0.*$/s, '');
  let longName: string | undefined;
  for (let at = 0; at + 512 <= data.length; ) {
    const header = data.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const body = data.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x') {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (name.startsWith('/') || name.split('/').includes('..')) throw new Error(`${archive}: refusing the entry ${name}`);
    const target = join(into, name);
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0' || type === '\0') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, body, { mode: Number.parseInt(field(header, 100, 8).trim() || '644', 8) & 0o777 });
    } else throw new Error(`${archive}: entry ${name} has tar type ${JSON.stringify(type)}, which this unpacker does not handle`);
  }
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
  for (const archive of ['al2023', 'fonts', 'swiftshader']) untar(join(bin, `${archive}.tar.br`), partial);
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
