import type { Client, Query } from './client.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
}

export interface CommandContext {
  client: Client;
  /** The positional arguments after the command name, as many as `args` declares. */
  args: string[];
  /** Parsed options, keyed by their long name (kebab-case). */
  options: Record<string, string | boolean | undefined>;
  /** --json: print the API's JSON as is. */
  json: boolean;
  /** --format csv|jsonl: the API's download, as is. */
  format: 'csv' | 'jsonl' | undefined;
  /** Writes the command's output (stdout, or the --out file). */
  write(text: string): void;
}

export interface Command {
  /** Names of the positional arguments, for usage and arity checks. */
  args: string[];
  summary: string;
  options: Record<string, OptionSpec>;
  /** Whether --format csv|jsonl is available (the endpoint offers downloads). */
  exports: boolean;
  /** Resolves to the exit code when it is not 0 (e.g. gate: 1 block, 2 warn). */
  run(ctx: CommandContext): Promise<void | number>;
}

/** Filter options shared by the commands; each maps to the snake_case query parameter of the same name. */
export const FILTERS: Record<string, OptionSpec> = {
  dataset: { type: 'string', description: 'dataset name' },
  'dataset-version': { type: 'string', description: 'dataset version' },
  model: { type: 'string', description: 'model' },
  prompt: { type: 'string', description: 'prompt name' },
  'prompt-version': { type: 'string', description: 'prompt version' },
  judge: { type: 'string', description: 'judge name' },
  'judge-version': { type: 'string', description: 'judge version' },
  evaluation: { type: 'string', description: 'evaluation name (when a judge gives several)' },
  since: { type: 'string', description: 'from this time (ISO-8601 or unix ms)' },
  until: { type: 'string', description: 'before this time (ISO-8601 or unix ms)' },
  run: { type: 'string', description: 'experiment run (its id without the /<repeat>)' },
  config: { type: 'string', description: 'configuration hash (model + request parameters), as `evaltrace runs` shows it' },
};

export function pick(names: readonly string[]): Record<string, OptionSpec> {
  return Object.fromEntries(names.map((n) => [n, FILTERS[n]!]));
}

/** The query string of a command's string options: --dataset-version → dataset_version. */
export function queryOf(ctx: CommandContext, names: readonly string[]): Query {
  const q: Query = {};
  for (const n of names) {
    const v = ctx.options[n];
    if (typeof v === 'string') q[n.replaceAll('-', '_')] = v;
  }
  return q;
}

/** A positional argument as one URL path segment (a name with / or ? stays one segment). */
export const segment = (arg: string | undefined) => encodeURIComponent(arg ?? '');

/** Runs the shared output modes: --format downloads and --json print the API's answer unchanged. */
export async function fetchAndShow<T>(ctx: CommandContext, path: string, query: Query, table: (body: T) => string): Promise<void> {
  if (ctx.format) {
    ctx.write(await ctx.client.text(path, { ...query, format: ctx.format }));
    return;
  }
  show(ctx, await ctx.client.json<T>(path, query), table);
}

/** Writes an answer as the API's JSON under --json, else as the command's text. */
export function show<T>(ctx: CommandContext, body: T, text: (body: T) => string): void {
  ctx.write(ctx.json ? `${JSON.stringify(body, null, 2)}\n` : text(body));
}
