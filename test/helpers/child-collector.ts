import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A free loopback port, so a restarted collector can come back on the same address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface ChildCollector {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `npm start` read from package.json, so that nothing which starts the
 * collector as it does can drift from it: the variables it sets, then the
 * command (node) and its arguments.
 */
export function startScript(): { variables: Record<string, string>; command: string; args: string[] } {
  const words = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');
  const variables: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift()!.split('=');
    variables[name!] = value.join('=');
  }
  const [command, ...args] = words;
  return { variables, command: command!, args };
}

/** The variables and node arguments of `npm start`, with its entry point built. */
function startCommand(): { variables: Record<string, string>; args: string[] } {
  const { variables, command, args } = startScript();
  if (command !== 'node') throw new Error(`npm start is expected to run node, not ${command}`);
  const entry = args.at(-1)!;
  // vitest's global setup and bench/run.ts build dist/ first; a bench run on its own must too.
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return { variables, args };
}

/**
 * Runs the collector exactly as `npm start` does (after its build), in its own
 * process; `launcher` is a command that execs the rest of its arguments (the
 * node command line), e.g. to start it inside a cgroup.
 */
export async function spawnCollector(dataDir: string, port: number, env: Record<string, string> = {}, launcher: string[] = []): Promise<ChildCollector> {
  const start = startCommand();
  const [command, ...args] = [...launcher, process.execPath, ...start.args];
  const proc = spawn(command!, args, {
    env: { PATH: process.env.PATH ?? '', ...start.variables, EVALTRACE_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', EVALTRACE_GRPC_PORT: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!out.includes('listening on')) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`collector did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, url, output: () => out, exited };
}
