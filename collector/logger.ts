/**
 * The collector's one place for operator messages: a small interface an
 * embedder can replace (setLogger) to route them into its own logging; the
 * default writes `[evaltrace] …` lines to stdout (info) and stderr.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

const consoleLogger: Logger = {
  info: (m) => console.log(`[evaltrace] ${m}`),
  warn: (m) => console.warn(`[evaltrace] ${m}`),
  error: (m, err) => (err === undefined ? console.error(`[evaltrace] ${m}`) : console.error(`[evaltrace] ${m}`, err)),
};

let current: Logger = consoleLogger;

/** Replaces the logger (null restores the default); returns the one it replaced. */
export function setLogger(logger: Logger | null): Logger {
  const before = current;
  current = logger ?? consoleLogger;
  return before;
}

/** The logger in use, read at each call so a replacement applies everywhere at once. */
export const log: Logger = {
  info: (m) => current.info(m),
  warn: (m) => current.warn(m),
  error: (m, err) => current.error(m, err),
};
