/**
 * Process-wide SDK settings. init() sets them; the wrapper, content capture and
 * judgeTraces read them, so a module never needs the init handle itself.
 */

export interface Settings {
  /** Collector base URL (no trailing slash), for OTLP export and the query API. */
  endpoint: string;
  apiKey: string | undefined;
  captureContent: boolean;
  /** Scrubs captured texts; undefined keeps them as they are (and spares copying them). */
  redact: ((text: string) => string) | undefined;
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';

function defaultSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    endpoint: normalizeEndpoint(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_ENDPOINT),
    apiKey: env.EVALTRACE_API_KEY || undefined,
    captureContent: true,
    redact: undefined,
  };
}

let current: Settings = defaultSettings();

export function settings(): Readonly<Settings> {
  return current;
}

export function configure(next: Partial<Settings>): void {
  current = { ...current, ...withoutUndefined(next) };
}

export function resetSettings(): void {
  current = defaultSettings();
}

/** Accepts a base URL or a full `/v1/traces` URL, as OTel users often paste the latter. */
export function normalizeEndpoint(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/v1\/traces$/, '');
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
