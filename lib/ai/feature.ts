// One definition per AI feature: everything the product knows about a feature lives in its module
// under lib/ai/features/ and is read from there — by its route (`meteredRoute(def)`, lib/ai/metered-route.ts),
// by its page's cost estimate (lib/ai/estimates.ts) and by the registry (lib/ai/registry.ts).
//
// The estimate is written once, here, on purpose: the page shows `estimate(pageInput(payload))` and
// the route holds `estimate(input)`, so the figure a user sees before running a feature is, by
// construction, the figure the route reserves (lib/ai/estimate-parity.int.test.ts checks it per feature).
import type { z } from "zod";
import type { DbTx } from "../db/client";
import type { BoundCostEngine, Usage } from "../tokens/cost";
import type { Estimate, MeteredContext } from "../tokens/metering/with-tokens";

export type FeatureKind = "chat-stream" | "structured" | "vision" | "image" | "transcription" | "realtime";

/** What the estimate may read besides the input: the user (a chat's stored conversation) and the prices. */
export interface EstimateContext {
  userId: string;
  engine: BoundCostEngine;
  db: DbTx;
}

/** What the sidebar, the page header and the docs show about a feature. */
export interface FeaturePage {
  title: string;
  /** One sentence for the sidebar and the page header. */
  description: string;
  kind: FeatureKind;
  /** What the typical request is, in words (shown next to the typical cost). */
  typicalRequest: string;
  /**
   * Millitokens (= µ$) of a typical request, priced by `engine`: computed with the feature's real
   * prompt, never typed in, so an admin's price override moves it too.
   */
  typicalCost(engine: BoundCostEngine, model: string): bigint;
}

/**
 * How the route reads its input — a JSON body's schema, or a parser of the raw request (multipart
 * uploads …) — and what a page sends for an estimate, parsed into the estimate's input. A JSON
 * feature's page sends the route's own body, so `pageInput` defaults to the input schema; a feature
 * that parses uploads must say how a page describes them (sizes, byte counts): there is no default.
 */
export type FeatureSource<TInput, TQuote> =
  | { input: z.ZodType<TInput>; parse?: never; pageInput?: z.ZodType<TQuote> }
  | { parse(request: Request, body: Buffer): Promise<TInput> | TInput; input?: never; pageInput: z.ZodType<TQuote> };

interface FeatureFields<S extends string, TInput, TQuote> {
  slug: S;
  /** The model the feature calls by default (lib/ai/models.ts). */
  model: string;
  /**
   * The worst case of a call for this input: what the route holds and what the page shows. It reads
   * only the part of the input a page can send before the upload (`TQuote`: photos by their size …).
   */
  estimate(input: TQuote, context: EstimateContext): Estimate | Promise<Estimate>;
  /** Makes the call; the metering context is withTokens' (meter, stream, defer, signal). */
  run(context: MeteredContext<TInput, Usage>): unknown;
  /** How long the hold lives before the sweep may release it (default: the wrapper's 2 minutes). */
  ttlMs?: number;
  /** The request body limit (default: the wrapper's 1 MB; uploads set their own). */
  maxBodyBytes?: number;
  page: FeaturePage;
}

export type FeatureSpec<S extends string, TInput extends TQuote, TQuote> = FeatureFields<S, TInput, TQuote> &
  FeatureSource<TInput, TQuote>;

export interface FeatureDefinition<
  S extends string = string,
  TInput extends TQuote = never,
  TQuote = unknown,
> extends FeatureFields<S, TInput, TQuote> {
  input?: z.ZodType<TInput>;
  parse?(request: Request, body: Buffer): Promise<TInput> | TInput;
  pageInput: z.ZodType<TQuote>;
  /** The metered route handler's path. */
  routePath: `/api/ai/${S}`;
  /** The page where a signed-in user runs it. */
  pagePath: `/ai/${S}`;
}

/** A definition of any feature, as the registry and the page estimate read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the list holds features of different input types
export type AnyFeature = FeatureDefinition<string, any, any>;

/**
 * Defines an AI feature (see the module comment); the paths follow from the slug. `TInput` is what
 * the route parses; `TQuote`, the part of it the estimate reads — what a page can send before the
 * upload (for a JSON feature, the same).
 */
export function defineFeature<const S extends string, TInput extends TQuote, TQuote = TInput>(
  spec: FeatureSpec<S, TInput, TQuote>,
): FeatureDefinition<S, TInput, TQuote> {
  // TInput extends TQuote, so the input schema parses a page's JSON body into what the estimate reads.
  const pageInput = spec.pageInput ?? (spec.input as z.ZodType<TQuote> | undefined);
  if (!pageInput)
    throw new Error(`defineFeature("${spec.slug}"): a feature that parses its request needs a pageInput schema`);
  return { ...spec, pageInput, routePath: `/api/ai/${spec.slug}`, pagePath: `/ai/${spec.slug}` };
}
