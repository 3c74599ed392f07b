import type { ChatMessage } from '../content.js';
import type { TokenUsage } from '@evaltrace/semantic-conventions';
import type { SseEvent } from './sse.js';

/** A provider call's request parameters, read loosely (see wire.ts). */
export type Params = Record<string, unknown>;

/** What a finished call reported; every field is optional because streams and errors can cut it short. */
export interface Outcome {
  responseId?: string;
  responseModel?: string;
  finishReasons?: string[];
  usage?: TokenUsage;
  output?: ChatMessage[];
}

/** A call that reported nothing (no body to read, or one that could not be read). */
export const NO_OUTCOME: Outcome = Object.freeze({});

export interface CallError {
  type: string;
  message: string;
  exception?: unknown;
}

/** Folds a provider's stream events into what the call reported. */
export interface StreamAccumulator {
  onEvent(event: SseEvent): void;
  outcome(): Outcome;
  /** An error the provider sent inside the stream (the SDK throws it to the app mid-iteration). */
  error(): CallError | undefined;
}

/** How to read one provider operation (e.g. OpenAI chat completions) for its span. */
export interface Operation {
  provider: string;
  operation: string;
  model(params: Params): string;
  input(params: Params): ChatMessage[] | undefined;
  fromBody(body: unknown): Outcome;
  accumulator?(): StreamAccumulator;
}
