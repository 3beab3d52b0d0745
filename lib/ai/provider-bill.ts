// The provider's own bill for one UTC day, read from OpenAI's organization APIs with an admin key:
// GET /organization/costs (bucket_width=1d, group_by=line_item) and GET /organization/usage/
// {completions,images,audio_transcriptions} (group_by=model), every page followed (`next_page`).
// Amounts are dollars as JSON numbers; they become integer micro-dollars through their decimal
// text (decimalTextOf), rounded half away from zero to the micro-dollar — never through a float
// product. The shape read is the one openai/openai-openapi documents (UsageResponse, CostsResult,
// UsageCompletionsResult, UsageImagesResult, UsageAudioTranscriptionsResult).
import { z } from "zod";
import { decimalTextOf } from "../tokens/cost/money";

export interface CostLine {
  /** The line item as OpenAI names it, e.g. "gpt-5-mini-2025-08-07, cached input"; null when not grouped. */
  lineItem: string | null;
  microUsd: bigint;
}

/** Usage API counts per model (completions: tokens; images: images; transcriptions: seconds). */
export interface ModelUsage {
  model: string;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  /** Input tokens written to the prompt cache (`input_cache_write_tokens`; 0 when not reported). */
  cacheWriteInputTokens: number;
  outputTokens: number;
  images: number;
  seconds: number;
}

export interface ProviderBill {
  costs: CostLine[];
  usage: ModelUsage[];
}

export class ProviderBillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderBillError";
  }
}

const page = <T extends z.ZodType>(result: T) =>
  z.object({
    object: z.literal("page"),
    data: z.array(
      z.object({
        object: z.literal("bucket"),
        start_time: z.number().int(),
        end_time: z.number().int(),
        results: z.array(result),
      }),
    ),
    has_more: z.boolean(),
    next_page: z.string().nullable(),
  });
const count = z.number().int().nonnegative().optional().default(0);
const costsPage = page(
  z.object({
    object: z.literal("organization.costs.result"),
    amount: z.object({ value: z.number(), currency: z.string() }),
    line_item: z.string().nullish(),
  }),
);
const usagePage = page(
  z.object({
    object: z.string(),
    model: z.string().nullish(),
    num_model_requests: count,
    input_tokens: count,
    input_cached_tokens: count,
    input_cache_write_tokens: count,
    output_tokens: count,
    images: count,
    seconds: count,
  }),
);

/**
 * A dollar figure (a JSON number) → micro-dollars, exactly from its decimal text, rounded half away
 * from zero (the Costs API reports fractions of a micro-dollar: 123 tokens at $0.25/1M is
 * $0.00003075). Negative figures (credits) keep their sign.
 */
export function dollarsToMicroUsd(value: number): bigint {
  const negative = value < 0;
  const text = decimalTextOf(Math.abs(value), "amount.value");
  const match = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/.exec(text);
  if (!match) throw new ProviderBillError(`amount.value ${text} is not a decimal`);
  const [, whole = "", fraction = "", exponent = "0"] = match;
  const digits = BigInt(`${whole}${fraction}` || "0");
  const shift = Number(exponent) - fraction.length + 6; // value × 10⁶ = digits × 10^shift
  let micro: bigint;
  if (shift >= 0) micro = digits * 10n ** BigInt(shift);
  else {
    const d = 10n ** BigInt(-shift);
    micro = digits / d + (2n * (digits % d) >= d ? 1n : 0n);
  }
  return negative ? -micro : micro;
}

export interface ProviderBillOptions {
  /** e.g. https://api.openai.com/v1 (OPENAI_BASE_URL), or the simulator's URL. */
  baseUrl: string;
  adminKey: string;
  fetch?: typeof fetch;
  /** A stop for a runaway cursor: more pages than this is an error, not an endless loop. */
  maxPages?: number;
  /** How long one page may take (default 60 s): a hung API fails the run instead of holding the cron. */
  timeoutMs?: number;
}

interface Page<B> {
  data: B[];
  has_more: boolean;
  next_page: string | null;
}

async function allPages<B>(
  options: ProviderBillOptions,
  path: string,
  params: Record<string, string | string[]>,
  schema: z.ZodType<Page<B>>,
): Promise<B[]> {
  const doFetch = options.fetch ?? fetch;
  const buckets: B[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < (options.maxPages ?? 100); i++) {
    const url = new URL(`${options.baseUrl.replace(/\/+$/, "")}${path}`);
    for (const [name, value] of Object.entries(params))
      for (const v of [value].flat()) url.searchParams.append(name, v);
    if (cursor) url.searchParams.set("page", cursor);
    const response = await doFetch(url, {
      headers: { authorization: `Bearer ${options.adminKey}`, accept: "application/json" },
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new ProviderBillError(`GET ${path} answered ${response.status}: ${message}`);
    }
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new ProviderBillError(`GET ${path}: unexpected answer (${parsed.error.issues[0]?.message ?? "invalid"})`);
    const body = parsed.data;
    buckets.push(...body.data);
    if (!body.has_more || !body.next_page) return buckets;
    cursor = body.next_page;
  }
  throw new ProviderBillError(`GET ${path}: more than ${options.maxPages ?? 100} pages`);
}

/** The provider's costs (per line item) and usage (per model) for the UTC day starting at `day`. */
export async function readProviderBill(day: Date, options: ProviderBillOptions): Promise<ProviderBill> {
  const start = Math.floor(day.getTime() / 1000);
  const window = { start_time: String(start), end_time: String(start + 86_400), bucket_width: "1d" };
  const costBuckets = await allPages(
    options,
    "/organization/costs",
    { ...window, group_by: ["line_item"], limit: "1" },
    costsPage,
  );
  const costs: CostLine[] = [];
  for (const bucket of costBuckets) {
    for (const result of bucket.results) {
      if (result.amount.currency.toLowerCase() !== "usd")
        throw new ProviderBillError(`a cost in ${result.amount.currency}: only usd is reconciled`);
      costs.push({ lineItem: result.line_item ?? null, microUsd: dollarsToMicroUsd(result.amount.value) });
    }
  }
  const usage = new Map<string, ModelUsage>();
  for (const kind of ["completions", "images", "audio_transcriptions"]) {
    const buckets = await allPages(
      options,
      `/organization/usage/${kind}`,
      { ...window, group_by: ["model"], limit: "1" },
      usagePage,
    );
    for (const result of buckets.flatMap((b) => b.results)) {
      const model = result.model ?? "(no model)";
      const u = usage.get(model) ?? {
        model,
        requests: 0,
        inputTokens: 0,
        cachedInputTokens: 0,
        cacheWriteInputTokens: 0,
        outputTokens: 0,
        images: 0,
        seconds: 0,
      };
      u.requests += result.num_model_requests;
      u.inputTokens += result.input_tokens;
      u.cachedInputTokens += result.input_cached_tokens;
      u.cacheWriteInputTokens += result.input_cache_write_tokens;
      u.outputTokens += result.output_tokens;
      u.images += result.images;
      u.seconds += result.seconds;
      usage.set(model, u);
    }
  }
  return { costs, usage: [...usage.values()] };
}
