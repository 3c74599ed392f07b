import { execFileSync } from 'node:child_process';
import { prepareChromium } from './helpers/chromium.js';

/**
 * Once per run: build the packages (tests that start the collector as `npm start`
 * does run the built JavaScript), and unpack the browser before test files race to.
 */
export default async function setup(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  try {
    await prepareChromium();
  } catch (error) {
    // Vitest reports a failed global setup as "No test files found": say what failed.
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`global setup: could not unpack the dashboard tests' Chromium from @sparticuz/chromium (${reason})`, { cause: error });
  }
}
