import { makeSender } from './otel.js';
import { type PlannedTask, sendJudgements, sendTasks } from './scenario.js';

/**
 * The end-to-end scenario: the tasks sent in quarters over four exporter
 * set-ups (protobuf and JSON, gzip on and off, per-span and batched
 * requests), then judges in their own traces linked to the stored task
 * roots: j1 (re-run later, which replaces its first scores) and j2.
 * `beforeQuarter(i)` runs before quarter i is sent (to inject faults).
 */
export async function sendScenario(url: string, tasks: PlannedTask[], beforeQuarter: (i: number) => void = () => {}): Promise<void> {
  const quarter = Math.ceil(tasks.length / 4);
  const parts = [
    { encoding: 'protobuf', gzip: false, batch: false },
    { encoding: 'protobuf', gzip: true, batch: true },
    { encoding: 'json', gzip: false, batch: true },
    { encoding: 'json', gzip: true, batch: false },
  ] as const;
  const roots = [];
  for (const [i, p] of parts.entries()) {
    beforeQuarter(i);
    const sender = makeSender({ url, ...p });
    roots.push(...(await sendTasks(sender, tasks.slice(i * quarter, (i + 1) * quarter))));
    await sender.shutdown();
  }
  const judge = makeSender({ url, encoding: 'protobuf', gzip: true, batch: true });
  await sendJudgements(judge, roots, tasks, 'j1', (t) => 1 - t.scores.j1!);
  await sendJudgements(judge, roots, tasks, 'j1', (t) => t.scores.j1!, Date.UTC(2026, 9, 3));
  await sendJudgements(judge, roots, tasks, 'j2', (t) => t.scores.j2!);
  await judge.shutdown();
}
