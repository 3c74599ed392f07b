import { execFileSync } from 'node:child_process';
import { prepareChromium } from './helpers/chromium.js';

/**
 * Once per run: build the packages (tests that start the collector as `npm start`
 * does run the built JavaScript), and unpack the browser before test files race to.
 */
export default async function setup(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  await prepareChromium();
}
