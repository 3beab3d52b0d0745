// The meter a metered handler reports usage to. It prices each model call with the cost engine as
// it is recorded and keeps the calls for the settle (./settle.ts). It knows no provider: a provider's
// usage objects are turned into `record(model, usage)` or `recordText(model, counts)` by the adapters
// of the app that calls it (for OpenAI: lib/ai/openai-usage.ts).

/** A text call's token counts, as any provider reports them. */
export interface TextCounts {
  inputTokens: number;
  cachedInputTokens?: number;
  /** Input tokens written to the prompt cache; absent = not reported (not the same as 0). */
  cacheWriteInputTokens?: number;
  outputTokens: number;
  reasoningTokens?: number;
}

/** The cost engine as the meter needs it (the app binds its own: lib/ai/metered.ts). */
export interface CostEngine<U> {
  /** Exact cost of one call, micro-dollars = millitokens. Throws for an unknown model. */
  costOf(model: string, usage: U): bigint;
  /** Exact token count of generated text (to charge a stream cut short). */
  countTokens(model: string, text: string): number;
  /** A text call's usage from its counts. */
  textUsage(counts: TextCounts): U;
  /** The ledger's record of a call. */
  breakdown(model: string, usage: U, cost: bigint): Record<string, string | number | boolean | null>;
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

  /** Records a text call from its token counts (the cost engine turns them into its usage). */
  recordText(model: string, counts: TextCounts): RecordedCall {
    return this.record(model, this.engine.textUsage(counts));
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
    const merged: Record<string, string | number | boolean | null> = {
      calls: this.calls.length,
      model: this.calls[0]!.model,
    };
    for (const call of this.calls) {
      for (const [key, value] of Object.entries(call.breakdown)) {
        if (typeof value === "number" && key !== "costMicroUsd")
          merged[key] = ((merged[key] as number | undefined) ?? 0) + value;
      }
    }
    return merged;
  }
}
