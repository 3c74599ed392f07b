/**
 * The evaltrace CLI: asks a running collector over HTTP (never opens its data
 * directory) and prints aligned tables, the API's JSON (--json) or its
 * CSV / JSONL downloads (--format). Exit codes: 0 done, 1 the request failed,
 * 2 bad usage.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, Client } from './client.js';
import type { Command, OptionSpec } from './command.js';
import { COMMANDS } from './commands/index.js';
import { LOCAL_COMMANDS } from './local.js';

export const DEFAULT_URL = 'http://127.0.0.1:4318';

const GLOBAL: Record<string, OptionSpec> = {
  url: { type: 'string', description: `collector URL (default: $EVALTRACE_URL, else ${DEFAULT_URL})` },
  'api-key': { type: 'string', description: 'API key sent as a Bearer token (default: $EVALTRACE_API_KEY)' },
  json: { type: 'boolean', description: "print the API's JSON instead of tables" },
  format: { type: 'string', description: 'csv or jsonl: print the download instead of tables (triples, compare)' },
  out: { type: 'string', description: 'write the output to this file instead of stdout' },
  help: { type: 'boolean', description: 'show help' },
};

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function optionLines(options: Record<string, OptionSpec>): string {
  return Object.entries(options)
    .map(([name, o]) => `  --${name}${o.type === 'string' ? ' VALUE' : ''}`.padEnd(28) + o.description)
    .join('\n');
}

function usage(): string {
  const commands = Object.entries(COMMANDS)
    .map(([name, c]) => `  evaltrace ${[name, ...c.args].join(' ')}`.padEnd(44) + c.summary)
    .join('\n');
  const local = Object.entries(LOCAL_COMMANDS)
    .map(([name, c]) => `  evaltrace ${name}`.padEnd(44) + c.summary)
    .join('\n');
  return `usage: evaltrace [COMMAND] [ARGS] [OPTIONS]\n\nrun here (no command: serve):\n${local}\n\nask a running collector:\n${commands}\n\noptions of every command:\n${optionLines(GLOBAL)}\n\n"evaltrace COMMAND --help" lists a command's filters.\n`;
}

function commandUsage(name: string, c: Command): string {
  return `usage: evaltrace ${[name, ...c.args].join(' ')} [OPTIONS]\n\n${c.summary}\n\noptions:\n${optionLines(c.options)}\n${optionLines(GLOBAL)}\n`;
}

/** The command named by the first one or two positionals, with the rest as its arguments. */
function findCommand(positionals: string[]): { name: string; command: Command; args: string[] } | null {
  for (const words of [2, 1]) {
    const name = positionals.slice(0, words).join(' ');
    const command = positionals.length >= words ? COMMANDS[name] : undefined;
    if (command) return { name, command, args: positionals.slice(words) };
  }
  return null;
}

function parse(argv: string[]) {
  const all = { ...GLOBAL };
  for (const c of Object.values(COMMANDS)) Object.assign(all, c.options);
  const options = Object.fromEntries(Object.entries(all).map(([k, o]) => [k, { type: o.type, ...(k === 'help' ? { short: 'h' } : {}) }]));
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

async function run(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  // serve and demo run a collector in this process; they parse their own options.
  const local = argv.length === 0 ? LOCAL_COMMANDS.serve : LOCAL_COMMANDS[argv[0]!];
  if (local) return local.run(argv.slice(1), env, io);
  const { values, positionals } = parse(argv);
  const found = findCommand(positionals);
  if (!found) {
    if (values.help && positionals.length === 0) {
      io.stdout(usage());
      return 0;
    }
    const what = positionals.length ? `unknown command "${positionals.join(' ')}"` : 'no command given';
    io.stderr(`evaltrace: ${what}\n\n${usage()}`);
    return 2;
  }
  const { name, command, args } = found;
  if (values.help) {
    io.stdout(commandUsage(name, command));
    return 0;
  }
  for (const key of Object.keys(values)) {
    if (!(key in GLOBAL) && !(key in command.options)) throw new CliError(`--${key} is not an option of "evaltrace ${name}"`, 2);
  }
  if (args.length !== command.args.length) {
    throw new CliError(`"evaltrace ${name}" takes ${[...command.args].join(' ') || 'no arguments'}; usage: evaltrace ${[name, ...command.args].join(' ')}`, 2);
  }
  const format = values.format;
  if (format !== undefined) {
    if (format !== 'csv' && format !== 'jsonl') throw new CliError(`--format must be csv or jsonl, not "${format}"`, 2);
    if (!command.exports) throw new CliError(`"evaltrace ${name}" has no --format download; use --json`, 2);
    if (values.json) throw new CliError('--json and --format are alternatives; pass one', 2);
  }

  const url = (values.url as string | undefined) ?? env.EVALTRACE_URL ?? DEFAULT_URL;
  const apiKey = (values['api-key'] as string | undefined) ?? env.EVALTRACE_API_KEY;
  const chunks: string[] = [];
  const exitCode = (await command.run({
    client: new Client(url, apiKey || undefined),
    args,
    options: values,
    json: values.json === true,
    format,
    write: (text) => chunks.push(text),
  })) ?? 0;
  const output = chunks.join('');
  const out = values.out as string | undefined;
  if (out === undefined) {
    io.stdout(output);
    return exitCode;
  }
  try {
    writeFileSync(out, output);
  } catch (err) {
    throw new CliError(`cannot write ${out}: ${(err as Error).message}`);
  }
  io.stderr(`wrote ${Buffer.byteLength(output)} bytes to ${out}\n`);
  return exitCode;
}

/** Runs the CLI; returns the exit code. Errors a person can act on are one line on stderr. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Io = processIo): Promise<number> {
  try {
    return await run(argv, env, io);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    io.stderr(`evaltrace: ${err.message}\n`);
    return err.exitCode;
  }
}
