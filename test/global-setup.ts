import { execFileSync } from 'node:child_process';

/** Tests that start the collector as `npm start` does run the built JavaScript: build it once per run. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
