import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp, type App } from './app.js';
import { type Config, loadConfig } from './config.js';
import { openStore } from './store/open.js';
import type { Store } from './store/types.js';

export interface RunningCollector {
  url: string;
  port: number;
  app: App;
  store: Store;
  /** Stops accepting, finishes in-flight requests and pending commits, closes the store. */
  close(): Promise<void>;
}

export interface StartOptions extends Partial<Config> {
  /** Environment to read the rest of the configuration from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
}

export async function startCollector(options: StartOptions = {}): Promise<RunningCollector> {
  const { env, ...overrides } = options;
  const config: Config = { ...loadConfig(env ?? process.env), ...overrides };
  const store = await openStore(config);
  const app = createApp(store, config);
  const server = serve({ fetch: app.hono.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  await app.compactor.start();
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    app,
    store,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await app.ingest.idle();
        await app.compactor.stop();
        await store.close();
      })();
      return closing;
    },
  };
}
