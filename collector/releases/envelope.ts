/** The reproducibility envelope of a release's traces (query/envelope.ts). */
import { type Envelope, envelopeOfTraces } from '../query/envelope.js';
import type { Store } from '../store/types.js';
import type { ReleaseConfig } from './schemas.js';
import { releaseTraces } from './traces.js';

export function envelopeOf(store: Store, project: string, config: ReleaseConfig): Promise<Envelope> {
  const { cte, params } = releaseTraces(project, config);
  return envelopeOfTraces(store, cte, params);
}
