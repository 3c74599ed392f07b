/** Files the CLI reads; one it cannot read or parse is a usage error (exit 2) naming the file and why. */
import { readFileSync } from 'node:fs';
import { CliError } from './client.js';

/** A text file; `label` is how the message names it (the path, or the option and the path). */
export function readTextFile(path: string, label = path): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${label}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
  }
}

/** Reads a JSON file named by an option. */
export function readJsonFile(path: string | boolean | undefined, option: string): unknown {
  if (typeof path !== 'string') throw new CliError(`--${option} FILE is required`, 2);
  const text = readTextFile(path, `--${option} ${path}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`--${option} ${path} is not valid JSON: ${(err as Error).message}`, 2);
  }
}
