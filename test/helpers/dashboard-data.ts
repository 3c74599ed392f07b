import { type Attributes, type Link, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { makeSender } from './otel.js';
import { type PlannedTask, planTasks, rng } from './scenario.js';

type Sender = ReturnType<typeof makeSender>;

/**
 * Held-out-like data for the dashboard: two dataset versions × three models ×
 * two prompt versions, tasks spread over days (prompt v1 before v2), captured
 * task input and output, and two judge versions whose explanations differ.
 * Plans come from scenario.ts, so its expectedTriples gives the aggregates.
 */
export const JUDGE = 'helpfulness-judge';
export const EVALUATION = 'helpfulness';
const BASE_MS = Date.UTC(2026, 8, 1);
const SPACING_MS = 2 * 3_600_000;
/** When the i-th planned task starts. */
export const taskStartMs = (i: number) => BASE_MS + i * SPACING_MS;

const round2 = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 100) / 100;

/**
 * Prompt v1 runs first and v2 after it, as when a new prompt version is
 * rolled out; v2 helps gpt-4o-mini; judge j2 mostly follows j1 (kappa well
 * above zero, some disagreements).
 */
export function planDashboard(): PlannedTask[] {
  const tasks = [...planTasks(2027, { examples: 6, datasetVersion: '2026-09' }), ...planTasks(3031, { examples: 6, datasetVersion: '2026-10' })];
  for (const t of tasks) {
    const j1 = round2(t.scores.j1! + (t.promptVersion === 'v2' && t.model === 'gpt-4o-mini' ? 0.3 : 0));
    t.scores = { j1, j2: round2(0.7 * j1 + 0.3 * t.scores.j2!) };
  }
  // Within a version, runs of different models and examples interleave in time.
  const r = rng(11);
  const order = new Map(tasks.map((t) => [t, r()]));
  return tasks.sort((x, y) => x.promptVersion.localeCompare(y.promptVersion) || order.get(x)! - order.get(y)!);
}

export const questionOf = (t: PlannedTask) => `[${t.datasetVersion}/${t.exampleId}] How do I rotate the API key of workspace ${t.exampleId}?`;
export const answerOf = (t: PlannedTask) => `${t.model} (${t.promptVersion}) answered ${t.exampleId}: open Settings → Keys → Rotate.`;
export const passed = (t: PlannedTask, judgeVersion: string) => t.scores[judgeVersion]! >= 0.5;
/** Explanations name the judge version and the example, so a row showing both proves they were paired. */
export const explanationOf = (t: PlannedTask, judgeVersion: string) =>
  `${judgeVersion} on ${t.datasetVersion}/${t.exampleId}/${t.model}/${t.promptVersion}: ${passed(t, judgeVersion) ? 'answers the question' : 'misses the rotation step'} (score ${t.scores[judgeVersion]})`;

/** Sends the tasks as scenario.ts's sendTasks does, plus captured content; returns each root's span context. */
export async function sendDashboardTasks(sender: Sender, tasks: PlannedTask[]): Promise<Link['context'][]> {
  const roots: Link['context'][] = [];
  tasks.forEach((t, i) => {
    const start = taskStartMs(i);
    const root = sender.tracer.startSpan('task', {
      root: true,
      startTime: start,
      attributes: {
        'evaltrace.dataset.name': t.dataset,
        'evaltrace.dataset.version': t.datasetVersion,
        'evaltrace.example.id': t.exampleId,
        'evaltrace.prompt.name': t.prompt,
        'evaltrace.prompt.version': t.promptVersion,
        'evaltrace.run.id': t.runId,
        'evaltrace.task.success': t.success,
        'evaltrace.task.input': JSON.stringify({ question: questionOf(t) }),
        'evaltrace.task.output': answerOf(t),
      },
    });
    const slice = Math.floor((t.latencyMs - 10) / t.calls.length);
    t.calls.forEach((c, k) => {
      const attributes: Attributes = c.openInference
        ? { 'openinference.span.kind': 'LLM', 'llm.model_name': c.model, 'llm.token_count.prompt': c.input, 'llm.token_count.completion': c.output }
        : {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'test',
            'gen_ai.request.model': c.model,
            'gen_ai.usage.input_tokens': c.input,
            'gen_ai.usage.output_tokens': c.output,
          };
      if (c.explicitCost !== undefined) attributes['evaltrace.cost.usd'] = c.explicitCost;
      const span = sender.child(root, `chat ${c.model}`, { kind: SpanKind.CLIENT, startTime: start + 5 + k * slice, attributes });
      span.end(start + 3 + (k + 1) * slice);
    });
    const tool = sender.child(root, 'lookup', { startTime: start + 1, attributes: { 'tool.name': 'kb' } });
    if (!t.success) tool.setStatus({ code: SpanStatusCode.ERROR, message: 'not found' });
    tool.end(start + 4);
    root.end(start + t.latencyMs);
    roots.push(root.spanContext());
  });
  await sender.flush();
  return roots;
}

/** Judge version `version` scores every task in its own trace, linked to the task root. */
export async function sendDashboardJudgements(sender: Sender, roots: Link['context'][], tasks: PlannedTask[], version: string): Promise<void> {
  const at = taskStartMs(tasks.length);
  tasks.forEach((t, i) => {
    const score = t.scores[version]!;
    const span = sender.tracer.startSpan(`evaluate ${EVALUATION}`, {
      root: true,
      startTime: at + i,
      links: [{ context: roots[i]! }],
      attributes: {
        'gen_ai.evaluation.name': EVALUATION,
        'gen_ai.evaluation.score.value': score,
        'gen_ai.evaluation.score.label': passed(t, version) ? 'pass' : 'fail',
        'gen_ai.evaluation.explanation': explanationOf(t, version),
        'evaltrace.judge.name': JUDGE,
        'evaltrace.judge.version': version,
        'gen_ai.request.model': 'gpt-4o-mini',
      },
    });
    span.end(at + i + 1);
  });
  await sender.flush();
}

/** What the judge comparison must show, from the plan alone (a = baseline, b = candidate). */
export function expectedJudgeComparison(tasks: PlannedTask[], a: string, b: string) {
  const confusion = { pass_pass: 0, pass_fail: 0, fail_pass: 0, fail_fail: 0 };
  for (const t of tasks) {
    const [pa, pb] = [passed(t, a), passed(t, b)];
    if (pa && pb) confusion.pass_pass++;
    else if (pa) confusion.pass_fail++;
    else if (pb) confusion.fail_pass++;
    else confusion.fail_fail++;
  }
  const n = tasks.length;
  const po = (confusion.pass_pass + confusion.fail_fail) / n;
  const pa = (confusion.pass_pass + confusion.pass_fail) / n;
  const pb = (confusion.pass_pass + confusion.fail_pass) / n;
  const pe = pa * pb + (1 - pa) * (1 - pb);
  return {
    n,
    confusion,
    agreement: po,
    kappa: (po - pe) / (1 - pe),
    disagreements: tasks.filter((t) => passed(t, a) !== passed(t, b)),
  };
}
