import { spawn } from 'node:child_process';
import { context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import { fmt, QUICK, report } from './util.js';

/**
 * SDK overhead per call: `chat.completions.create` unwrapped, inside a bare
 * OTel span, wrapped by evaltrace, and instrumented by OpenLLMetry and by
 * OpenInference. The OpenAI client talks to an in-process mock of the API
 * (its `fetch` answers with a canned completion), so the figure is the
 * client's and the instrumentation's own work, not loopback noise.
 *
 * Peers patch the OpenAI module globally, so each variant runs in its own
 * process. Within a process, blocks of unwrapped calls (the original method,
 * saved before any patching) alternate with blocks of the variant, and the
 * figure is CPU time per call, which a busy shared machine disturbs far less
 * than wall time. Added cost = the median over block pairs of variant −
 * unwrapped in the same process: a pair runs back to back, so a slow moment
 * of the shared machine moves both, and the median drops the pairs it split.
 * Every process sets OTel up as a Node app does (a registered provider with
 * one batch export pipeline and the AsyncLocalStorage context manager), so
 * the variants differ only in their instrumentation.
 */
type Variant = 'bare-span' | 'evaltrace' | 'openllmetry' | 'openinference';
const VARIANTS: Variant[] = ['bare-span', 'evaltrace', 'openllmetry', 'openinference'];
const BLOCK = 200;
const BLOCKS = QUICK ? 4 : 40;
/** Discarded first: until the JIT settles, a block's cost depends on which variant it happened to run. */
const WARMUP_BLOCKS = QUICK ? 2 : 20;

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

async function measure(variant: Variant): Promise<{ base: number; added: number }> {
  const original = OpenAI.Chat.Completions.prototype.create;
  // Each variant gets one export pipeline (a batch processor into a discarding
  // exporter) and the AsyncLocalStorage context manager, whose promise hooks
  // the unwrapped calls then pay alike: NodeTracerProvider.register() for the
  // others, evaltrace's own init() (the Node SDK) for evaltrace.
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new Discard(), { maxQueueSize: 100_000 })] });
  if (variant !== 'evaltrace') provider.register();
  const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'What is 2 + 2?' }] };
  const plain = new OpenAI({ apiKey: 'bench', baseURL: 'http://mock.invalid/v1', fetch: mockApi, maxRetries: 0 });
  const client = new OpenAI({ apiKey: 'bench', baseURL: 'http://mock.invalid/v1', fetch: mockApi, maxRetries: 0 });
  if (variant === 'evaltrace') {
    const { init, wrap } = await import('../src/index.js');
    init({ exporter: new Discard(), captureContent: true });
    wrap(client);
  } else if (variant === 'openllmetry') {
    const { OpenAIInstrumentation } = await import('@traceloop/instrumentation-openai');
    const i = new OpenAIInstrumentation();
    i.setTracerProvider(provider);
    i.manuallyInstrument(OpenAI);
  } else if (variant === 'openinference') {
    const { OpenAIInstrumentation } = await import('@arizeai/openinference-instrumentation-openai');
    const i = new OpenAIInstrumentation();
    i.setTracerProvider(provider);
    i.manuallyInstrument(OpenAI);
  }
  const tracer = provider.getTracer('bench');
  const baseline = () => original.call(plain.chat.completions, params) as Promise<unknown>;
  const instrumented =
    variant === 'bare-span'
      ? () => {
          const span = tracer.startSpan('chat gpt-4o-mini');
          return context.with(trace.setSpan(context.active(), span), baseline).finally(() => span.end());
        }
      : () => client.chat.completions.create(params) as Promise<unknown>;
  const block = async (fn: () => Promise<unknown>) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < BLOCK; i++) await fn();
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  for (let b = 0; b < WARMUP_BLOCKS; b++) {
    await block(baseline);
    await block(instrumented);
  }
  const base: number[] = [];
  const added: number[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    const unwrapped = await block(baseline);
    base.push(unwrapped);
    added.push((await block(instrumented)) - unwrapped);
  }
  return { base: median(base) / BLOCK, added: median(added) / BLOCK };
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

function runVariant(v: Variant): Promise<{ base: number; added: number }> {
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

const results = new Map<Variant, { base: number; added: number }>();
for (const v of VARIANTS) results.set(v, await runVariant(v));
const added = (v: Variant) => results.get(v)!.added;
const bare = added('bare-span');
report('sdk', [
  { figure: `unwrapped chat.completions.create (mock API, ${fmt(BLOCK * BLOCKS)} calls)`, value: `${fmt(results.get('bare-span')!.base, 1)} µs CPU/call` },
  ...VARIANTS.map((v) => ({
    figure: `added by ${v === 'bare-span' ? 'a bare OTel span' : v}`,
    value: `${fmt(added(v), 1)} µs CPU/call`,
    ratio: v === 'bare-span' ? '1.00 (reference)' : `${fmt(added(v) / bare, 2)}× a bare span`,
  })),
]);
