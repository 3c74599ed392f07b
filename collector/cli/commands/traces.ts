import type { TracePage } from '@evaltrace/semantic-conventions';
import { type Command, fetchAndShow, FILTERS, queryOf } from '../command.js';
import { date, NONE, num, usd } from '../format.js';
import { renderTable } from '../table.js';

const OPTIONS = [...Object.keys(FILTERS).filter((k) => !k.startsWith('judge') && k !== 'evaluation'), 'limit', 'cursor', 'order'];

function tracesTable(b: TracePage): string {
  if (b.traces.length === 0) return 'no task traces match\n';
  const table = renderTable(
    ['trace', 'started', 'example', 'dataset', 'model', 'prompt', 'run', 'success', 'latency ms', 'cost'],
    b.traces.map((t) => [
      t.trace_id,
      date(t.start_time),
      t.example_id || NONE,
      `${t.dataset}@${t.dataset_version}`,
      t.model || NONE,
      `${t.prompt}@${t.prompt_version}`,
      t.run_id || NONE,
      t.success === null ? NONE : t.success ? 'yes' : 'no',
      num(t.latency_ms),
      usd(t.cost_usd),
    ]),
  );
  return `${table}\n${b.next_cursor ? `more: --cursor ${b.next_cursor}\n` : ''}`;
}

export const tracesCommand: Command = {
  args: [],
  summary: 'task traces, newest first or in trace-id order (--order), a page at a time (--limit, --cursor), with their versions, outcome, latency and cost',
  options: {
    ...Object.fromEntries(OPTIONS.filter((k) => FILTERS[k]).map((k) => [k, FILTERS[k]!])),
    limit: { type: 'string', description: 'traces per page (1–1000, default 100)' },
    cursor: { type: 'string', description: 'the page after this one: the "more: --cursor" of the previous page' },
    order: { type: 'string', description: 'newest (latest start first) or trace_id (a stable order for re-judging); default trace_id' },
  },
  exports: false,
  run: (ctx) => fetchAndShow<TracePage>(ctx, '/api/traces', queryOf(ctx, OPTIONS), tracesTable),
};
