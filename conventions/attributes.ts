/**
 * The attribute contract (../shared/design.md): the one place that names the
 * span attributes evaltrace writes (SDK) and reads (collector). Alias lists are
 * in priority order: the first present wins.
 */

export const ATTR = {
  datasetName: 'evaltrace.dataset.name',
  datasetVersion: 'evaltrace.dataset.version',
  exampleId: 'evaltrace.example.id',
  promptName: 'evaltrace.prompt.name',
  promptVersion: 'evaltrace.prompt.version',
  runId: 'evaltrace.run.id',
  taskSuccess: 'evaltrace.task.success',
  taskInput: 'evaltrace.task.input',
  taskOutput: 'evaltrace.task.output',
  costUsd: 'evaltrace.cost.usd',
  priceTableVersion: 'evaltrace.cost.price_table',
  judgeName: 'evaltrace.judge.name',
  judgeVersion: 'evaltrace.judge.version',
  codeVersion: 'evaltrace.code.version',
  seed: 'evaltrace.seed',
  envPrefix: 'evaltrace.env.',
  depsHash: 'evaltrace.env.dependencies_hash',

  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  /** Request parameters (semconv gen_ai.request.*): numbers, except the string array of stop sequences. */
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestTopK: 'gen_ai.request.top_k',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestSeed: 'gen_ai.request.seed',
  requestFrequencyPenalty: 'gen_ai.request.frequency_penalty',
  requestPresencePenalty: 'gen_ai.request.presence_penalty',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  /**
   * The tools offered to the model (semconv): a JSON array of tool
   * definitions. The SDK writes only the required `type` and `name` of each;
   * peers may send whole definitions, in the provider's own shape.
   */
  toolDefinitions: 'gen_ai.tool.definitions',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheWriteTokens: 'gen_ai.usage.cache_write.input_tokens',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',

  evaluationName: 'gen_ai.evaluation.name',
  evaluationScore: 'gen_ai.evaluation.score.value',
  evaluationLabel: 'gen_ai.evaluation.score.label',
  evaluationExplanation: 'gen_ai.evaluation.explanation',
  serviceName: 'service.name',
} as const;

/** What ends captured content that was cut to its size bound: such content cannot be compared with the original. */
export const TRUNCATION_MARK = '…[truncated]';

/** The OTel event name (span event or log-based event) of an evaluation result. */
export const EVALUATION_EVENT = 'gen_ai.evaluation.result';

/**
 * OpenLLMetry stamps `withAssociationProperties({ key: value })` on every span
 * as `traceloop.association.properties.<key>`; OpenInference's `metadata` JSON
 * keys arrive lifted to `metadata.<key>` (collector/ingest/peer-attributes.ts).
 * Both use the same keys: dataset_name, dataset_version, example_id,
 * prompt_name, prompt_version, run_id.
 */
const ASSOCIATION = 'traceloop.association.properties';

/** Accepted spellings per contract field, first present wins. */
export const ALIASES = {
  datasetName: [ATTR.datasetName, `${ASSOCIATION}.dataset_name`, 'metadata.dataset_name'],
  datasetVersion: [ATTR.datasetVersion, `${ASSOCIATION}.dataset_version`, 'metadata.dataset_version'],
  exampleId: [ATTR.exampleId, `${ASSOCIATION}.example_id`, 'metadata.example_id'],
  promptName: [
    ATTR.promptName,
    'gen_ai.prompt.name',
    'traceloop.prompt.key',
    `${ASSOCIATION}.prompt_name`,
    'metadata.prompt_name',
    'prompt.id',
  ],
  promptVersion: [
    ATTR.promptVersion,
    'gen_ai.prompt.version',
    'llm.prompt_template.version',
    'traceloop.prompt.version',
    `${ASSOCIATION}.prompt_version`,
    'metadata.prompt_version',
  ],
  runId: [ATTR.runId, `${ASSOCIATION}.run_id`, 'metadata.run_id'],
  model: [ATTR.requestModel, ATTR.responseModel, 'llm.model_name'],
  provider: [ATTR.providerName, 'gen_ai.system', 'llm.provider', 'llm.system'],
  inputTokens: [ATTR.inputTokens, 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'],
  outputTokens: [ATTR.outputTokens, 'gen_ai.usage.completion_tokens', 'llm.token_count.completion'],
  cacheReadTokens: [
    ATTR.cacheReadTokens,
    'gen_ai.usage.cache_read_input_tokens',
    'llm.token_count.prompt_details.cache_read',
  ],
  cacheWriteTokens: [
    ATTR.cacheWriteTokens,
    'gen_ai.usage.cache_creation.input_tokens',
    'llm.token_count.prompt_details.cache_write',
    'gen_ai.usage.cache_creation_input_tokens',
  ],
  costUsd: [ATTR.costUsd, 'gen_ai.usage.cost', 'llm.cost.total'],
  taskSuccess: [ATTR.taskSuccess],
  // Request parameters. OpenLLMetry writes the gen_ai.request.* names (older
  // versions: llm.top_k, llm.frequency_penalty, llm.presence_penalty,
  // llm.chat.stop_sequences); OpenInference writes none of them, only the
  // llm.invocation_parameters JSON (see REQUEST_FIELDS).
  requestTemperature: [ATTR.requestTemperature],
  requestTopP: [ATTR.requestTopP],
  requestTopK: [ATTR.requestTopK, 'llm.top_k'],
  requestMaxTokens: [ATTR.requestMaxTokens],
  requestSeed: [ATTR.requestSeed],
  requestFrequencyPenalty: [ATTR.requestFrequencyPenalty, 'llm.frequency_penalty'],
  requestPresencePenalty: [ATTR.requestPresencePenalty, 'llm.presence_penalty'],
  requestStopSequences: [ATTR.requestStopSequences, 'llm.chat.stop_sequences'],
  judgeName: [ATTR.judgeName],
  judgeVersion: [ATTR.judgeVersion],
  evaluationName: [ATTR.evaluationName],
  evaluationScore: [ATTR.evaluationScore],
  evaluationLabel: [ATTR.evaluationLabel],
  evaluationExplanation: [ATTR.evaluationExplanation],
} as const satisfies Record<string, readonly string[]>;

export type ContractField = keyof typeof ALIASES;

/**
 * The request parameters that make up a model call's configuration, by their
 * key in the collector's canonical params (its `request_params` column):
 * the contract field whose aliases name the span attribute, and the fields of
 * a request body that carry it, first present wins. The body fields serve the
 * SDK (OpenAI chat completions and responses, Anthropic messages) and the
 * collector alike: OpenInference's `llm.invocation_parameters` is the request
 * body without its messages. `max_completion_tokens` (chat) and
 * `max_output_tokens` (responses) are max tokens; `stop` may be one string.
 */
export const REQUEST_PARAMS = {
  temperature: { field: 'requestTemperature', body: ['temperature'] },
  top_p: { field: 'requestTopP', body: ['top_p'] },
  top_k: { field: 'requestTopK', body: ['top_k'] },
  max_tokens: { field: 'requestMaxTokens', body: ['max_completion_tokens', 'max_output_tokens', 'max_tokens'] },
  seed: { field: 'requestSeed', body: ['seed'] },
  frequency_penalty: { field: 'requestFrequencyPenalty', body: ['frequency_penalty'] },
  presence_penalty: { field: 'requestPresencePenalty', body: ['presence_penalty'] },
  stop_sequences: { field: 'requestStopSequences', body: ['stop_sequences', 'stop'] },
} as const satisfies Record<string, { field: ContractField; body: readonly string[] }>;

export type RequestParamKey = keyof typeof REQUEST_PARAMS;

/**
 * Where tools offered to the model are named, besides `gen_ai.tool.definitions`
 * (first present wins): OpenLLMetry's older indexed `llm.request.functions.{i}.name`,
 * OpenInference's `llm.tools.{i}.tool.json_schema` (each tool's definition as
 * JSON), then the `tools` / `functions` of OpenInference's invocation
 * parameters. A tool's name is its `name`, else `function.name` (OpenAI chat),
 * else `custom.name`, else its `type` (built-in tools such as web_search).
 */
export const TOOL_NAME_SOURCES = {
  indexedFunctionName: (i: number) => `llm.request.functions.${i}.name`,
  indexedToolJsonSchema: (i: number) => `llm.tools.${i}.tool.json_schema`,
  body: ['tools', 'functions'],
} as const;

/** OpenInference's request parameters: the request body less its messages, as one JSON string. */
export const OPENINFERENCE_INVOCATION_PARAMETERS = 'llm.invocation_parameters';

/** Evaluation labels that count as a pass (case-insensitive). */
export const PASS_LABELS: ReadonlySet<string> = new Set(['pass', 'passed', 'true', 'correct', 'yes']);

export function isPassLabel(label: string): boolean {
  return PASS_LABELS.has(label.trim().toLowerCase());
}
