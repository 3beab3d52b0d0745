// The meter a metered handler reports usage to. It prices each model call with the cost engine as
// it is recorded, reads `usage` from OpenAI-shaped responses and stream chunks itself (duck-typed:
// this module never imports an AI SDK), and turns a stream into an SSE response that is settled
// when the stream ends — or is cancelled by the client, in which case what was generated is charged.

/** The cost engine as the meter needs it (bound in lib/tokens/metering/index.ts). */
export interface CostEngine<U> {
  /** Exact cost of one call, micro-dollars = millitokens. Throws for an unknown model. */
  costOf(model: string, usage: U): bigint;
  /** Exact token count of generated text (to charge a stream cut short). */
  countTokens(model: string, text: string): number;
  /** A text call's usage from its counts. */
  textUsage(counts: { inputTokens: number; cachedInputTokens?: number; outputTokens: number; reasoningTokens?: number }): U;
  /** The ledger's record of a call. */
  breakdown(model: string, usage: U, cost: bigint): Record<string, string | number | boolean | null>;
}

/** OpenAI's usage objects (chat completions and responses API), read by shape. */
interface OpenAIUsageShape {
  prompt_tokens?: number;
  completion_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  input_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export interface RecordedCall {
  model: string;
  cost: bigint;
  breakdown: Record<string, string | number | boolean | null>;
}

/** What the meter falls back to when a text stream ends without a usage report. */
export interface TextFallback {
  model: string;
  /** Exact input token count from the estimate. */
  inputTokens: number;
}

export class Meter<U> {
  readonly calls: RecordedCall[] = [];
  /** Why this request is deliberately free (set by `waive`), or null. */
  waived: string | null = null;

  constructor(
    readonly requestId: string,
    private readonly engine: CostEngine<U>,
    readonly fallback: TextFallback | null,
  ) {}

  /** Total cost recorded so far, millitokens. */
  get cost(): bigint {
    return this.calls.reduce((sum, call) => sum + call.cost, 0n);
  }

  /** Records one model call's usage as the provider reported it. */
  record(model: string, usage: U): RecordedCall {
    const cost = this.engine.costOf(model, usage);
    const call = { model, cost, breakdown: this.engine.breakdown(model, usage, cost) };
    this.calls.push(call);
    return call;
  }

  /** Records a text call from OpenAI's usage object (chat completions or responses API). */
  recordOpenAIUsage(model: string, usage: OpenAIUsageShape): RecordedCall {
    return this.record(model, this.engine.textUsage(textCounts(usage)));
  }

  /** Records `completion.usage` of a non-streamed OpenAI response; returns the completion. */
  recordCompletion<T extends { model: string; usage?: OpenAIUsageShape | null }>(completion: T): T {
    if (!completion.usage) throw new Error(`the response of ${completion.model} has no usage to charge`);
    this.recordOpenAIUsage(completion.model, completion.usage);
    return completion;
  }

  /**
   * Declares that this request made no billable call (a cached answer, a branch without a model
   * call). Without it, a handler that returns without recording usage is treated as a bug: metering
   * must never be skipped by accident.
   */
  waive(reason: string): void {
    this.waived = reason;
  }

  /** Charges generated text when the provider's usage never arrived (a stream cut short). */
  recordGeneratedText(text: string, model = this.fallback?.model): RecordedCall | null {
    if (!this.fallback || !model) return null;
    const outputTokens = this.engine.countTokens(model, text);
    return this.record(model, this.engine.textUsage({ inputTokens: this.fallback.inputTokens, outputTokens }));
  }

  /** One ledger breakdown for the whole request (a single call, or the calls listed). */
  usageRecord(): Record<string, string | number | boolean | null> | undefined {
    if (this.calls.length === 0) return undefined;
    if (this.calls.length === 1) return this.calls[0]!.breakdown;
    const merged: Record<string, string | number | boolean | null> = { calls: this.calls.length, model: this.calls[0]!.model };
    for (const call of this.calls) {
      for (const [key, value] of Object.entries(call.breakdown)) {
        if (typeof value === "number" && key !== "costMicroUsd") merged[key] = ((merged[key] as number | undefined) ?? 0) + value;
      }
    }
    return merged;
  }
}

function textCounts(usage: OpenAIUsageShape) {
  return {
    inputTokens: usage.prompt_tokens ?? usage.input_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? usage.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? usage.output_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? usage.output_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** Reads a chat-completions stream chunk: its text delta, its usage (last chunk), its model. */
export interface ChunkReader<C> {
  text(chunk: C): string;
  usage(chunk: C): OpenAIUsageShape | null | undefined;
  model(chunk: C): string | undefined;
}

type ChatChunk = { model?: string; usage?: OpenAIUsageShape | null; choices?: { delta?: { content?: string | null } }[] };

export const chatChunkReader: ChunkReader<ChatChunk> = {
  text: (chunk) => chunk.choices?.map((choice) => choice.delta?.content ?? "").join("") ?? "",
  usage: (chunk) => chunk.usage,
  model: (chunk) => chunk.model,
};
