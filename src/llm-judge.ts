/**
 * LLM-as-judge: `defineJudge` renders a template with the trace's input,
 * output and expected answer, asks a model through a client wrap() made, and
 * parses a score, label and explanation from the reply. Spread it into
 * judgeTraces(); the judge's call is then recorded inside the evaluation's
 * own trace. Its version defaults to a hash of (template, model, params,
 * parser), like definePrompt's, so editing any of them is a new version.
 */
import { createHash } from 'node:crypto';
import { type Expected, expectedOf } from './expected.js';
import type { EvaluationResult, Judge } from './evaluation.js';
import type { StoredTrace } from './traces.js';

/** The one call defineJudge makes: an OpenAI-style chat client (wrap() it so the call is traced). */
export interface ChatClient {
  chat: { completions: { create(body: { model: string; messages: Array<{ role: 'system' | 'user'; content: string }> } & Record<string, unknown>): Promise<unknown> } };
}

export interface JudgeSpec {
  name: string;
  model: string;
  client: ChatClient;
  /** Placeholders: {{input}}, {{output}}, {{expected}}. See TEMPLATES for built-in ones. */
  template: string;
  /** Request parameters (temperature, max_tokens, …), part of the version. */
  params?: Record<string, unknown>;
  /** Turns the reply into a verdict; default parseVerdict. Part of the version. */
  parse?: (reply: string) => EvaluationResult | undefined;
  /**
   * Expected answers for {{expected}}: a dataset (by example id) or a function
   * of the trace; default the stored dataset item the trace ran on. A template
   * with {{expected}} skips a trace that has none rather than judge it blind.
   */
  expected?: Expected;
  /** gen_ai.evaluation.name; default "quality". */
  evaluation?: string;
  /** Overrides the hash. */
  version?: string;
}

const SCALE = 'Reply with JSON only: {"score": <number from 0 to 1>, "label": "pass" or "fail", "explanation": "<one sentence>"}.';

/** Built-in templates; each asks for a 0–1 score, a pass/fail label and a one-sentence explanation as JSON. */
export const TEMPLATES = {
  correctness: `You grade an answer against the expected answer.\nQuestion: {{input}}\nExpected answer: {{expected}}\nAnswer: {{output}}\nScore 1 when the answer states the expected answer's facts without contradiction, 0 when it contradicts or misses them; pass when score ≥ 0.5. ${SCALE}`,
  faithfulness: `You check whether an answer is supported by its context.\nContext and question: {{input}}\nAnswer: {{output}}\nScore the share of the answer's claims the context supports (1: all, 0: none); pass when every claim is supported. ${SCALE}`,
  helpfulness: `You rate how helpful an answer is to the user's request.\nRequest: {{input}}\nAnswer: {{output}}\nScore 1 for a complete, direct, correct answer, 0.5 for a partial one, 0 for an unhelpful one; pass when score ≥ 0.5. ${SCALE}`,
} as const;

const PASS = /\b(pass|passed|correct|yes|true)\b/i;
const FAIL = /\b(fail|failed|incorrect|wrong|no|false)\b/i;

/**
 * A verdict from a model's reply: a JSON object (possibly in a code fence or
 * amid prose) with score / label / explanation, else the first number as the
 * score, else a pass/fail word. Undefined when the reply says none of these.
 */
export function parseVerdict(reply: string): EvaluationResult | undefined {
  const json = /\{[\s\S]*\}/.exec(reply)?.[0];
  if (json) {
    try {
      const o = JSON.parse(json) as { score?: unknown; label?: unknown; explanation?: unknown };
      const score = typeof o.score === 'number' && Number.isFinite(o.score) ? o.score : typeof o.score === 'string' && Number.isFinite(Number(o.score)) ? Number(o.score) : undefined;
      const label = typeof o.label === 'string' && o.label !== '' ? o.label : undefined;
      if (score !== undefined || label !== undefined) {
        return { score, label, explanation: typeof o.explanation === 'string' ? o.explanation : undefined };
      }
    } catch {
      // Not JSON after all: read it as prose below.
    }
  }
  const number = /-?\d+(?:\.\d+)?/.exec(reply)?.[0];
  const word = PASS.test(reply) ? 'pass' : FAIL.test(reply) ? 'fail' : undefined;
  if (number === undefined && word === undefined) return undefined;
  return { score: number === undefined ? undefined : Number(number), label: word, explanation: reply.trim().slice(0, 2000) };
}

function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(input|output|expected)\s*\}\}/g, (_, k: string) => values[k] ?? '');
}

function replyText(res: unknown): string {
  const content = (res as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message?.content;
  return typeof content === 'string' ? content : '';
}

/** What defineJudge returns: spread it into judgeTraces(). */
export interface LlmJudge {
  judge: Judge;
  evaluate: (trace: StoredTrace) => Promise<EvaluationResult | undefined>;
}

export function defineJudge(spec: JudgeSpec): LlmJudge {
  if (!spec.name || !spec.model || !spec.template) throw new TypeError('defineJudge: name, model and template are required');
  const parse = spec.parse ?? parseVerdict;
  const version =
    spec.version ??
    `sha256:${createHash('sha256')
      .update(JSON.stringify([spec.template, spec.model, spec.params ?? {}, spec.parse ? String(spec.parse) : 'parseVerdict']))
      .digest('hex')
      .slice(0, 12)}`;
  const expectedFor = expectedOf(spec.expected);
  const needsExpected = /\{\{\s*expected\s*\}\}/.test(spec.template);
  const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  return {
    judge: { name: spec.name, version, model: spec.model },
    evaluate: async (trace: StoredTrace) => {
      const expected = needsExpected ? await expectedFor(trace) : undefined;
      if (needsExpected && (expected === undefined || expected === null)) return undefined;
      const content = render(spec.template, { input: trace.inputText, output: trace.outputText, expected: text(expected) });
      const res = await spec.client.chat.completions.create({ model: spec.model, messages: [{ role: 'user', content }], ...spec.params });
      const reply = replyText(res);
      const verdict = parse(reply);
      // A reply with no verdict in it is an error of the judge, recorded on its evaluation span, not a silent skip.
      if (!verdict) throw new Error(`judge ${spec.name}: no score or label in the reply: ${JSON.stringify(reply.slice(0, 200))}`);
      return { name: spec.evaluation ?? 'quality', ...verdict };
    },
  };
}
