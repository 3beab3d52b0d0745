// The one builder of the structured (text and vision) features: a feature that is "a prompt built
// from the input, answered as JSON matching a zod schema" says only how its input becomes a
// StructuredCall (./structured.ts); the hold (both attempts' worst case), the run (validate, retry
// once, charge each attempt) and the typical cost all follow from that one `call` function, so the
// six structured routes cannot drift apart.
import type { BoundCostEngine } from "../tokens/cost";
import { defineFeature, type FeatureDefinition, type FeaturePage, type FeatureSource } from "./feature";
import { estimateStructured, structuredCompletion, typicalStructuredCost, type StructuredCall } from "./structured";

export interface StructuredFeatureSpec<S extends string, TQuote, TResult, K extends string> {
  slug: S;
  model: string;
  /** The call for an input — the page's size-only photos included (they carry the real pixel size). */
  call(input: TQuote): StructuredCall<TResult>;
  /** The key of the answer in the JSON response (`{ [resultKey]: value, attempts, tokens }`). */
  resultKey: K;
  maxBodyBytes?: number;
  page: Omit<FeaturePage, "typicalCost" | "kind"> & {
    kind: "structured" | "vision";
    /** A typical request and the answer length it usually gets (reasoning included): the typical cost. */
    typical: { input: TQuote; outputTokens: number };
  };
}

/** The answer of a structured route: the validated value under its key, and how many attempts it took. */
export type StructuredAnswer<K extends string, T> = { [key in K]: T } & { attempts: number };

export function structuredFeature<
  const S extends string,
  TInput extends TQuote,
  TQuote,
  TResult,
  const K extends string,
>(
  spec: StructuredFeatureSpec<S, TQuote, TResult, K> & FeatureSource<TInput, TQuote>,
): FeatureDefinition<S, TInput, TQuote> {
  const { call, resultKey, page, ...rest } = spec;
  const { typical, ...metadata } = page;
  return defineFeature<S, TInput, TQuote>({
    ...rest,
    estimate: (input, { engine }) => estimateStructured(engine, call(input)),
    async run({ input, meter, signal }): Promise<StructuredAnswer<K, TResult>> {
      const { value, attempts } = await structuredCompletion(meter, call(input), signal);
      return { [resultKey]: value, attempts } as StructuredAnswer<K, TResult>;
    },
    page: {
      ...metadata,
      typicalCost: (engine: BoundCostEngine) =>
        typicalStructuredCost(engine, call(typical.input), typical.outputTokens),
    },
  });
}
