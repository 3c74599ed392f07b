import { spawn } from 'node:child_process';
import { context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { fmt, QUICK, report } from './util.js';

/**
 * SDK overhead per call: `chat.completions.create` unwrapped, inside a bare
 * OTel span, and instrumented by evaltrace's `wrap` (with content capture,
 * its default, and without), by OpenLLMetry and by OpenInference (both
 * record prompts and answers by default). The OpenAI client talks to an
 * in-process mock of the API (its `fetch` answers with a canned completion),
 * so the figure is the client's and the instrumentation's own work, not
 * loopback noise.
 *
 * Peers patch the OpenAI module globally, so each instrumentation runs in
 * processes of its own. Each process sets OTel up as a Node app does (a
 * registered provider with one batch export pipeline, the AsyncLocalStorage
 * context manager) and runs three kinds of blocks in turn: unwrapped calls
 * (the original method, saved before any patching), the same calls inside a
 * bare span (a provider of its own, the same in every process), and the
 * instrumented calls. Each block ends by flushing its pipeline (counted in
 * its time), so the spans it made are exported and released before the next
 * block: no block pays for collecting another's spans. The figure is CPU time
 * per call, which a busy shared machine disturbs far less than wall time; a
 * block's added cost is its time minus the unwrapped block's of the same
 * round, and each figure is the median over rounds, so the ratio to a bare
 * span is measured side by side, in one process. Every instrumentation runs
 * in several processes, taken in turn; the figure is the median of the
 * processes' figures, since one process's JIT decisions can move its figures
 * by more than the differences measured.
 */
type Variant = 'evaltrace' | 'evaltrace without content' | 'openllmetry' | 'openinference';
const VARIANTS: Variant[] = ['evaltrace', 'evaltrace without content', 'openllmetry', 'openinference'];
const PROCESSES = QUICK ? 1 : 9;
const BLOCK = 200;
const ROUNDS = QUICK ? 4 : 60;
/** Discarded first: until the JIT settles, a block's cost depends on which kind it happened to run. */
const WARMUP_ROUNDS = QUICK ? 2 : 20;

interface Measured {
  /** µs of CPU per unwrapped call. */
  base: number;
  /** µs added per call by a bare span, and by the instrumentation. */
  bare: number;
  added: number;
}

class Discard implements SpanExporter {
  export(_spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void) {
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown() {}
}

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_790_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Answer: 4' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27, prompt_tokens_details: { cached_tokens: 4 } },
});

const mockApi: typeof fetch = async () =>
  new Response(COMPLETION, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_bench' } });

/** A call's parameters, made anew for each call as an app's would be (a fresh user message). */
const params = () => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'What is 2 + 2?' }] });

async function measure(variant: Variant): Promise<Measured> {
  const original = OpenAI.Chat.Completions.prototype.create;
  const plain = new OpenAI({ apiKey: 'bench', baseURL: 'http://mock.invalid/v1', fetch: mockApi, maxRetries: 0 });
  const client = new OpenAI({ apiKey: 'bench', baseURL: 'http://mock.invalid/v1', fetch: mockApi, maxRetries: 0 });
  // The app's OTel set-up: evaltrace's own init() (the Node SDK), or a registered provider the peers report to.
  let flushInstrumented: () => Promise<void>;
  if (variant.startsWith('evaltrace')) {
    const { init, wrap } = await import('../src/index.js');
    // Content capture (prompt and answer JSON on every call) is on by default: re-judging stored traces needs it.
    const telemetry = init({ exporter: new Discard(), captureContent: variant === 'evaltrace' });
    wrap(client);
    flushInstrumented = () => telemetry.flush();
  } else {
    const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new Discard(), { maxQueueSize: 100_000 })] });
    provider.register();
    const { OpenAIInstrumentation } =
      variant === 'openllmetry' ? await import('@traceloop/instrumentation-openai') : await import('@arizeai/openinference-instrumentation-openai');
    const i = new OpenAIInstrumentation();
    i.setTracerProvider(provider);
    i.manuallyInstrument(OpenAI);
    flushInstrumented = () => provider.forceFlush();
  }
  // The reference span: a provider of its own with the same kind of pipeline, identical in every process.
  const bareProvider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new Discard(), { maxQueueSize: 100_000 })] });
  const tracer = bareProvider.getTracer('bench');
  const baseline = () => original.call(plain.chat.completions, params()) as Promise<unknown>;
  const bare = () => {
    const span = tracer.startSpan('chat gpt-4o-mini');
    return context.with(trace.setSpan(context.active(), span), baseline).finally(() => span.end());
  };
  const instrumented = () => client.chat.completions.create(params()) as Promise<unknown>;
  const block = async (fn: () => Promise<unknown>, flush?: () => Promise<void>) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < BLOCK; i++) await fn();
    await flush?.();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / BLOCK;
  };
  const kinds: Array<[() => Promise<unknown>, () => Promise<void>]> = [
    [bare, () => bareProvider.forceFlush()],
    [instrumented, flushInstrumented],
  ];
  const base: number[] = [];
  const added: number[][] = [[], []];
  for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
    const unwrapped = await block(baseline);
    // Alternate which kind runs first, so neither always follows the unwrapped block.
    const order = r % 2 ? [1, 0] : [0, 1];
    const spent: number[] = [];
    for (const k of order) spent[k] = (await block(...kinds[k]!)) - unwrapped;
    if (r < WARMUP_ROUNDS) continue;
    base.push(unwrapped);
    added[0]!.push(spent[0]!);
    added[1]!.push(spent[1]!);
  }
  return { base: median(base), bare: median(added[0]!), added: median(added[1]!) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const variantArg = process.argv.indexOf('--variant');
if (variantArg > 0) {
  console.log(`RESULT ${JSON.stringify(await measure(process.argv[variantArg + 1] as Variant))}`);
  process.exit(0);
}

function runVariant(v: Variant): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sdk.ts', '--variant', v, ...(QUICK ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const m = /RESULT (\{.*\})/.exec(out);
      if (code === 0 && m) resolve(JSON.parse(m[1]!));
      else reject(new Error(`variant ${v} failed (exit ${code}): ${out.slice(-500)}`));
    });
  });
}

// Processes taken in turn (evaltrace, peer, peer, evaltrace, ...), so a slow spell of the machine falls on all alike.
const runs = new Map<Variant, Measured[]>(VARIANTS.map((v) => [v, []]));
for (let p = 0; p < PROCESSES; p++) for (const v of VARIANTS) runs.get(v)!.push(await runVariant(v));

const all = [...runs.values()].flat();
const µs = (x: number) => `${fmt(x, 1)} µs`;
const range = (xs: number[], f: (x: number) => string) => (xs.length > 1 ? ` (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : '');
const ratios = (v: Variant) => runs.get(v)!.map((m) => m.added / m.bare);
report('sdk', [
  { figure: `unwrapped chat.completions.create (mock API), CPU per call`, value: µs(median(all.map((m) => m.base))) },
  {
    figure: `added by a bare OTel span`,
    value: µs(median(all.map((m) => m.bare))),
    ratio: `1.00 (reference, measured in every process)${range(all.map((m) => m.bare), µs)}`,
  },
  ...VARIANTS.map((v) => ({
    figure: `added by ${v}`,
    value: µs(median(runs.get(v)!.map((m) => m.added))),
    ratio: `${fmt(median(ratios(v)), 2)}× a bare span${range(ratios(v), (x) => `${fmt(x, 2)}×`)}, median of ${PROCESSES} process${PROCESSES > 1 ? 'es' : ''}`,
  })),
]);
