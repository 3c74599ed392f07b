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
  judgeName: [ATTR.judgeName],
  judgeVersion: [ATTR.judgeVersion],
  evaluationName: [ATTR.evaluationName],
  evaluationScore: [ATTR.evaluationScore],
  evaluationLabel: [ATTR.evaluationLabel],
  evaluationExplanation: [ATTR.evaluationExplanation],
} as const satisfies Record<string, readonly string[]>;

export type ContractField = keyof typeof ALIASES;

/** Evaluation labels that count as a pass (case-insensitive). */
export const PASS_LABELS: ReadonlySet<string> = new Set(['pass', 'passed', 'true', 'correct', 'yes']);

export function isPassLabel(label: string): boolean {
  return PASS_LABELS.has(label.trim().toLowerCase());
}
