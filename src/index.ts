/** evaltrace: the instrumentation SDK that LLM apps import. */
export { init, type InitOptions, type Telemetry } from './init.js';
export { wrap } from './wrap/index.js';
export { task, type TaskHandle, type TaskMeta } from './task.js';
export { withVersions, type Versions } from './context.js';
export { definePrompt, type Prompt, type Rendered, type Template, type TemplateMessage } from './prompt.js';
export { getPrompt, type GetPromptOptions, prompts, type PushedPrompt, type RegistryPrompt } from './prompt-registry.js';
export { recordEvaluation, type EvaluationInput, type EvaluationResult, type Judge } from './evaluation.js';
export { judgeTraces, type JudgeSummary, type JudgeTracesOptions } from './judge.js';
export { listTraces, type StoredTrace, type TraceFilter } from './traces.js';
export { datasets, type DatasetItem, type PushedVersion, type StoredDataset } from './datasets.js';
export { EvaltraceRequestError } from './collector-api.js';
export { type ChatClient, defineJudge, type JudgeSpec, type LlmJudge, parseVerdict, TEMPLATES } from './llm-judge.js';
export { type CodeJudge, contains, exactMatch, jsonValid, type MatchOptions, regexMatch } from './code-judges.js';
export type { Expected } from './expected.js';
export { runExperiment, type Example, type ExperimentOptions, type ExperimentResult, type ExperimentSummary } from './experiment.js';
export { EvaltraceSpanProcessor } from './processor.js';
export { ATTR } from '@evaltrace/semantic-conventions';
