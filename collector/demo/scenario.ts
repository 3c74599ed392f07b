/**
 * The demo's world: a support bot for a fictional router, two dataset
 * versions, three models, two prompt versions and the facts the mock LLM
 * knows. Everything is a pure function of its inputs, so two demo runs
 * produce the same numbers.
 */
import { createHash } from 'node:crypto';

export interface DemoItem {
  id: string;
  question: string;
  /** The phrase a correct answer contains. */
  fact: string;
  /** A wrong answer the model may give instead: it names the feature, so a lenient judge gives it partial credit. */
  wrong: string;
  /** 0 (easy) to 1 (hard): lowers every model's chance to answer right. */
  difficulty: number;
}

const FEATURES: Array<{ key: string; task: string; fact: string; wrong: string; difficulty: number }> = [
  { key: 'password', task: 'reset the admin password', fact: 'hold the reset button for 10 seconds', wrong: 'change it under Settings > Wi-Fi', difficulty: 0.1 },
  { key: 'firmware', task: 'update the firmware', fact: 'System > Update > Check now', wrong: 'download it from the app store', difficulty: 0.2 },
  { key: 'guest', task: 'set up a guest network', fact: 'Wireless > Guest network > Enable', wrong: 'plug a second router into port 4', difficulty: 0.2 },
  { key: 'parental', task: 'turn on parental controls', fact: 'Family > Profiles > Add schedule', wrong: 'parental controls need the Pro plan', difficulty: 0.35 },
  { key: 'ports', task: 'forward a port for a game server', fact: 'Advanced > NAT > Port forwarding', wrong: 'enable UPnP and restart twice', difficulty: 0.5 },
  { key: 'vpn', task: 'connect the router to a VPN', fact: 'Advanced > VPN client > Import .ovpn', wrong: 'VPNs are not supported on this model', difficulty: 0.55 },
  { key: 'mesh', task: 'add a mesh satellite', fact: 'press the pair button on both units within 2 minutes', wrong: 'connect the satellite with an Ethernet cable only', difficulty: 0.4 },
  { key: 'dns', task: 'change the DNS servers', fact: 'Internet > DNS > Manual', wrong: 'DNS is set by your provider and cannot change', difficulty: 0.3 },
  { key: 'band', task: 'split the 2.4 and 5 GHz bands', fact: 'Wireless > Smart Connect > Off', wrong: 'buy the dual-band adapter', difficulty: 0.45 },
  { key: 'logs', task: 'export the system logs', fact: 'System > Logs > Export', wrong: 'logs are only visible to support staff', difficulty: 0.25 },
  { key: 'ipv6', task: 'enable IPv6', fact: 'Internet > IPv6 > Auto', wrong: 'IPv6 is on by default and cannot be toggled', difficulty: 0.6 },
  { key: 'factory', task: 'restore factory settings', fact: 'System > Reset > Factory defaults', wrong: 'unplug it for 30 seconds', difficulty: 0.15 },
];

const FORMS = [(t: string) => `How do I ${t}?`, (t: string) => `Where can I ${t}?`, (t: string) => `Is there a way to ${t} from the web console?`];

/** One item per feature and question form: 36 questions. */
function itemsFor(): DemoItem[] {
  return FEATURES.flatMap((f) =>
    FORMS.map((form, i) => ({ id: `${f.key}-${i + 1}`, question: form(f.task), fact: f.fact, wrong: f.wrong, difficulty: f.difficulty })),
  );
}

const ALL_ITEMS = itemsFor();

export const DATASET = 'support-qa';

/** The older version lacks the third phrasing of the last six features: 30 items, then 36 in the newer one. */
export const DATASET_VERSIONS: ReadonlyArray<{ version: string; items: readonly DemoItem[] }> = [
  { version: '2026-10', items: ALL_ITEMS.filter((item, i) => !(i >= 18 && item.id.endsWith('-3'))) },
  { version: '2026-11', items: ALL_ITEMS },
];

/** Models from the price table, so every call has a cost; `skill` is the chance to answer an average question right. */
export const MODELS: ReadonlyArray<{ name: string; skill: number; latencyMs: number }> = [
  { name: 'gpt-4o-mini', skill: 0.62, latencyMs: 18 },
  { name: 'gpt-4.1-mini', skill: 0.72, latencyMs: 24 },
  { name: 'gpt-4o', skill: 0.84, latencyMs: 40 },
];

export const PROMPT = 'answer';

/**
 * v1 asks for a friendly answer (longer output, more guessing); v2 grounds the
 * model in the manual and asks for the menu path only, which helps quality and
 * shortens the answer: a real improvement on both quality and cost.
 */
export const PROMPT_TEMPLATES = {
  v1: [
    { role: 'system', content: 'You are a friendly support assistant for the Acme AX router. Help the customer with their question.' },
    { role: 'user', content: '{{question}}' },
  ],
  v2: [
    {
      role: 'system',
      content:
        'You answer questions about the Acme AX router from its manual. Reply with the exact menu path or action, in one sentence. If the manual does not cover it, say "I don\'t know".',
    },
    { role: 'user', content: '{{question}}' },
  ],
} as const;

/** Prompt v2 lifts every model; marked in the system text so the mock LLM can tell them apart. */
const PROMPT_BONUS = 0.12;
const GROUNDED = 'from its manual';

export const REPEATS = 2;

export const JUDGE = 'correctness';
/** The judge model of j2, the LLM judge; j1 is a deterministic string match. */
export const JUDGE_MODEL = 'gpt-4.1-nano';

/** A number in [0, 1) fixed by the parts: the demo's only source of chance. */
export function chance(...parts: Array<string | number>): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0) / 2 ** 32;
}

const byQuestion = new Map(ALL_ITEMS.map((item) => [item.question, item]));
export const itemOf = (question: string): DemoItem | undefined => byQuestion.get(question);

export interface ModelAnswer {
  text: string;
  /** The mock's HTTP status: a few calls fail with 503 so the demo has failed tasks. */
  status: 200 | 503;
  latencyMs: number;
}

/**
 * What `model` answers to `question` under the system prompt, on the
 * `attempt`-th time it is asked (repeats differ, yet the run is reproducible).
 */
export function answer(model: string, system: string, question: string, attempt: number): ModelAnswer {
  const m = MODELS.find((x) => x.name === model) ?? { name: model, skill: 0.5, latencyMs: 30 };
  const grounded = system.includes(GROUNDED);
  const item = itemOf(question);
  // Time to first token, then about 1.5 ms a generated token: shorter answers come back sooner.
  const wait = m.latencyMs * (0.6 + chance('latency', model, question, attempt));
  const reply = (text: string, status: 200 | 503 = 200): ModelAnswer => ({ text, status, latencyMs: Math.round(wait + 1.5 * Math.ceil(text.length / 4)) });
  if (chance('outage', model, question, attempt) < 0.02) return reply('', 503);
  if (!item) return reply("I don't know.");
  const p = Math.min(0.98, m.skill + (grounded ? PROMPT_BONUS : 0) - 0.35 * (item.difficulty - 0.3));
  // The same roll under both prompts (common random numbers): the prompts' difference is the prompt's, not the dice's.
  const roll = chance('answer', model, question, attempt);
  if (roll < p) {
    const text = grounded ? `Go to ${item.fact}.` : `Great question! To do that, ${item.fact}. Let me know if there is anything else I can help you with today.`;
    return reply(text);
  }
  const declines = chance('decline', model, question, attempt) < 0.15;
  if (declines) return reply("I don't know.");
  const text = grounded ? `Try this: ${item.wrong}.` : `Sure! The easiest way is to ${item.wrong}. I hope that helps, and have a great day!`;
  return reply(text);
}

/** The task's own success: it produced an answer (declining is a failed task, not a wrong one). */
export const answered = (text: string) => text.trim() !== '' && !/i don't know/i.test(text);

/** Judge j1: 1 if the answer contains the manual's phrase, else 0. */
export function matchJudge(item: DemoItem, text: string): { score: number; label: 'pass' | 'fail' } {
  const ok = text.toLowerCase().includes(item.fact.toLowerCase());
  return { score: ok ? 1 : 0, label: ok ? 'pass' : 'fail' };
}

/**
 * Judge j2, as the mock LLM grades: full credit for the manual's phrase, half
 * for a wrong answer that addresses the question, none for declining; and, as
 * LLM judges do, it misreads about one answer in twelve.
 */
export function llmGrade(item: DemoItem, text: string, traceKey: string): number {
  const right = matchJudge(item, text).score === 1;
  const base = right ? 1 : answered(text) ? 0.5 : 0;
  if (chance('misread', traceKey) < 1 / 12) return right ? 0.5 : base === 0 ? 0 : 1;
  return base;
}

export const JUDGE_SYSTEM = 'You grade a support answer against the manual. Reply with JSON {"score": 0 | 0.5 | 1, "reason": "..."}.';
