import { runCollector } from './run.js';

/** Entry of `npm start` and the Docker image. Configuration comes from the environment (docs/operations.md). */
await runCollector();
