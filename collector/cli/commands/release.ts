/** `evaltrace release …`: the release registry's lifecycle from the command line. */
import type { Release, RollbackCandidate } from '../../releases/schemas.js';
import { CliError } from '../client.js';
import { type Command, type CommandContext, type OptionSpec, pick, segment, show } from '../command.js';
import { date, NONE } from '../format.js';
import { renderTable } from '../table.js';
import { readJsonFile } from '../files.js';

const CONFIG_KEYS = ['model', 'prompt', 'prompt-version', 'dataset', 'dataset-version', 'judge', 'judge-version'];
const APPROVAL: Record<string, OptionSpec> = {
  approver: { type: 'string', description: 'who approves the transition (recorded)' },
  reason: { type: 'string', description: 'why (recorded)' },
};

function required(ctx: CommandContext, option: string): string {
  const v = ctx.options[option];
  if (typeof v !== 'string' || v.trim() === '') throw new CliError(`--${option} is required`, 2);
  return v;
}

function describeConfig(r: Release): string {
  const c = r.config;
  const dataset = c.dataset === undefined ? '' : ` dataset=${c.dataset}@${c.dataset_version ?? '*'}`;
  const judge = c.judge === undefined ? '' : ` judge=${c.judge}@${c.judge_version ?? '*'}`;
  const settings = Object.entries(c.settings ?? {}).map(([k, v]) => ` ${k}=${String(v)}`);
  return `model=${c.model} prompt=${c.prompt}@${c.prompt_version}${dataset}${judge}${settings.join('')}`;
}

export function releaseReport(r: Release): string {
  const history = renderTable(
    ['time', 'action', 'from', 'to', 'approver', 'reason', 'gate decision', 'override'],
    r.history.map((e) => [date(e.at), e.action, e.from_stage ?? NONE, e.to_stage, e.approver, e.reason, e.gate_decision_id ?? NONE, e.override ? 'yes' : 'no']),
  );
  return `release ${r.id}  ${r.name}  stage: ${r.stage.toUpperCase()}\n${describeConfig(r)}\n\n${history}\n`;
}

function candidateReport(c: RollbackCandidate): string {
  const head = c.candidate
    ? `rollback candidate for ${c.name}: ${c.candidate.release.id} (${describeConfig(c.candidate.release)})\n${c.reason}\n`
    : `no rollback candidate for ${c.name}: ${c.reason}\n`;
  if (c.considered.length === 0) return head;
  return `${head}\n${renderTable(['release', 'qualifies', 'why'], c.considered.map((x) => [x.release_id, x.qualifies ? 'yes' : 'no', x.reason]))}\n`;
}

const path = (id: string | undefined, suffix = '') => `/api/releases/${segment(id)}${suffix}`;

export const releaseCreateCommand: Command = {
  args: ['NAME'],
  summary: 'register release NAME as a candidate: its configuration from --model … --judge-version, or --config FILE',
  options: {
    ...pick(CONFIG_KEYS),
    config: { type: 'string', description: 'JSON file with the configuration (model, prompt, prompt_version, dataset, …, settings); flags override it' },
    by: { type: 'string', description: 'who registers it (recorded)' },
    reason: APPROVAL.reason!,
  },
  exports: false,
  async run(ctx) {
    const fromFile = ctx.options.config === undefined ? {} : (readJsonFile(ctx.options.config, 'config') as Record<string, unknown>);
    const config: Record<string, unknown> = { ...fromFile };
    for (const key of CONFIG_KEYS) {
      const v = ctx.options[key];
      if (typeof v === 'string') config[key.replaceAll('-', '_')] = v;
    }
    const reason = ctx.options.reason;
    const body = { name: ctx.args[0], config, created_by: required(ctx, 'by'), ...(typeof reason === 'string' ? { reason } : {}) };
    show(ctx, await ctx.client.post<Release>('/api/releases', body), releaseReport);
  },
};

export const releaseListCommand: Command = {
  args: [],
  summary: 'releases with their stage, oldest first (--name to narrow)',
  options: { name: { type: 'string', description: 'release name' } },
  exports: false,
  async run(ctx) {
    const name = typeof ctx.options.name === 'string' ? ctx.options.name : undefined;
    const body = await ctx.client.json<{ releases: Release[] }>('/api/releases', { name });
    show(ctx, body, (b) =>
      b.releases.length === 0
        ? 'no releases\n'
        : `${renderTable(
            ['id', 'name', 'stage', 'model', 'prompt', 'prompt ver', 'dataset', 'judge', 'registered', 'by'],
            b.releases.map((r) => [
              r.id,
              r.name,
              r.stage,
              r.config.model,
              r.config.prompt,
              r.config.prompt_version,
              r.config.dataset ? `${r.config.dataset}@${r.config.dataset_version ?? ''}` : NONE,
              r.config.judge ? `${r.config.judge}@${r.config.judge_version ?? ''}` : NONE,
              date(r.created_at),
              r.created_by,
            ]),
          )}\n`,
    );
  },
};

export const releaseShowCommand: Command = {
  args: ['ID'],
  summary: 'one release: configuration, stage and its append-only history of approvals',
  options: {},
  exports: false,
  async run(ctx) {
    show(ctx, await ctx.client.json<Release>(path(ctx.args[0])), releaseReport);
  },
};

export const releasePromoteCommand: Command = {
  args: ['ID'],
  summary: 'promote release ID one stage (candidate → staging → production) on a gate decision that said promote, or --override',
  options: {
    ...APPROVAL,
    decision: { type: 'string', description: 'id of the gate decision that said promote' },
    override: { type: 'boolean', description: 'promote without a promote decision (approver and reason recorded as an override)' },
  },
  exports: false,
  async run(ctx) {
    const decision = ctx.options.decision;
    const body = {
      approver: required(ctx, 'approver'),
      reason: required(ctx, 'reason'),
      ...(typeof decision === 'string' ? { gate_decision_id: decision } : {}),
      ...(ctx.options.override === true ? { override: true } : {}),
    };
    const res = await ctx.client.post<{ release: Release; superseded: Release[] }>(path(ctx.args[0], '/promote'), body);
    show(ctx, res, (b) => releaseReport(b.release) + b.superseded.map((s) => `superseded: ${s.id} (${s.name}) → archived\n`).join(''));
  },
};

export const releaseRollbackCommand: Command = {
  args: ['ID'],
  summary: 'take production release ID out and restore the rollback candidate of its name',
  options: APPROVAL,
  exports: false,
  async run(ctx) {
    const body = { approver: required(ctx, 'approver'), reason: required(ctx, 'reason') };
    const res = await ctx.client.post<{ rolled_back: Release; restored: Release }>(path(ctx.args[0], '/rollback'), body);
    show(ctx, res, (b) => `rolled back: ${b.rolled_back.id} → ${b.rolled_back.stage}\nrestored:\n${releaseReport(b.restored)}`);
  },
};

export const releaseRollbackCandidateCommand: Command = {
  args: ['NAME'],
  summary: 'the last production configuration of NAME whose gate decision and traces are still stored',
  options: {},
  exports: false,
  async run(ctx) {
    show(ctx, await ctx.client.json<RollbackCandidate>(path(ctx.args[0], '/rollback-candidate')), candidateReport);
  },
};
