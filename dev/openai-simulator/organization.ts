// The organization Usage and Costs APIs (GET /v1/organization/usage/{completions,images,
// audio_transcriptions} and GET /v1/organization/costs), as openai/openai-openapi documents them:
// admin-key auth, time buckets from `start_time` to `end_time` (`bucket_width`), `group_by`, `limit`
// buckets per page and an opaque `page` cursor (`has_more`, `next_page`), results of
// `object: "organization.usage.completions.result"` / `"organization.costs.result"`.
//
// The figures come from what this simulator actually served: the `billed` usage of every recorded
// request (what the model generated, as the provider bills it), bucketed by the time it was received,
// and every realtime response's usage, bucketed by when it was generated (under completions, as
// OpenAI reports realtime models).
// Costs are priced with the simulator's OWN table below, never with the product's prices: a
// reconciliation that compares the ledger against a bill computed from the ledger's own prices could
// never catch a wrong price.
import type { SimulatedCall } from "./realtime";
import type { RecordedRequest } from "./server";
import { HttpError, invalidRequest } from "./http";
import { servedModel } from "./snapshots";

/**
 * The simulator's price list, in micro-dollars per 1M tokens (per image for dall-e-3, per minute for
 * whisper-1). Source: OpenAI's pricing page (platform.openai.com/docs/pricing, standard tier) as of
 * 2026-12, written here by hand. Keyed by the model id the simulator answers (the snapshot).
 */
const TEXT_PRICES: Readonly<Record<string, { input: bigint; cached: bigint; output: bigint; cacheWrite?: bigint }>> = {
  // Models that bill prompt-cache writes apart (cacheWrite: 1.25 × input). gpt-5.6 is gpt-5.6-sol.
  "gpt-5.6": { input: 4_000_000n, cached: 400_000n, cacheWrite: 5_000_000n, output: 20_000_000n },
  "gpt-5.6-sol": { input: 4_000_000n, cached: 400_000n, cacheWrite: 5_000_000n, output: 20_000_000n },
  "gpt-5.6-terra": { input: 2_000_000n, cached: 200_000n, cacheWrite: 2_500_000n, output: 12_000_000n },
  "gpt-5.6-luna": { input: 200_000n, cached: 20_000n, cacheWrite: 250_000n, output: 1_200_000n },
  "gpt-6-astra": { input: 10_000_000n, cached: 1_000_000n, cacheWrite: 12_500_000n, output: 50_000_000n },
  "gpt-6-sol": { input: 2_000_000n, cached: 200_000n, cacheWrite: 2_500_000n, output: 10_000_000n },
  "gpt-6-luna": { input: 100_000n, cached: 10_000n, cacheWrite: 125_000n, output: 500_000n },
  "gpt-5-2025-08-07": { input: 1_250_000n, cached: 125_000n, output: 10_000_000n },
  "gpt-5-mini-2025-08-07": { input: 250_000n, cached: 25_000n, output: 2_000_000n },
  "gpt-5-nano-2025-08-07": { input: 50_000n, cached: 5_000n, output: 400_000n },
  "gpt-4.1-2025-04-14": { input: 2_000_000n, cached: 500_000n, output: 8_000_000n },
  "gpt-4.1-mini-2025-04-14": { input: 400_000n, cached: 100_000n, output: 1_600_000n },
  "gpt-4.1-nano-2025-04-14": { input: 100_000n, cached: 25_000n, output: 400_000n },
  "gpt-4o-2024-08-06": { input: 2_500_000n, cached: 1_250_000n, output: 10_000_000n },
  "gpt-4o-mini-2024-07-18": { input: 150_000n, cached: 75_000n, output: 600_000n },
  "o3-2025-04-16": { input: 2_000_000n, cached: 500_000n, output: 8_000_000n },
  "o4-mini-2025-04-16": { input: 1_100_000n, cached: 275_000n, output: 4_400_000n },
};
/** gpt-image-1: text input, image input and output tokens. */
const IMAGE_TOKEN_PRICES: Readonly<Record<string, { text: bigint; image: bigint; output: bigint }>> = {
  "gpt-image-1": { text: 5_000_000n, image: 10_000_000n, output: 40_000_000n },
};
/** dall-e-3 per image, by quality and size. */
const DALLE3_PRICES: Readonly<Record<string, bigint>> = {
  "standard 1024x1024": 40_000n,
  "standard 1024x1792": 80_000n,
  "standard 1792x1024": 80_000n,
  "hd 1024x1024": 80_000n,
  "hd 1024x1792": 120_000n,
  "hd 1792x1024": 120_000n,
};
/** Token-billed transcription: text input, audio input and output tokens. */
const TRANSCRIBE_PRICES: Readonly<Record<string, { text: bigint; audio: bigint; output: bigint }>> = {
  "gpt-4o-transcribe": { text: 2_500_000n, audio: 6_000_000n, output: 10_000_000n },
  "gpt-4o-mini-transcribe": { text: 1_250_000n, audio: 3_000_000n, output: 5_000_000n },
};
/** Realtime: text and audio, each uncached input, cached input and output. */
const REALTIME_PRICES: Readonly<
  Record<
    string,
    Record<
      "text input" | "cached text input" | "text output" | "audio input" | "cached audio input" | "audio output",
      bigint
    >
  >
> = {
  "gpt-realtime": {
    "text input": 4_000_000n,
    "cached text input": 400_000n,
    "text output": 16_000_000n,
    "audio input": 32_000_000n,
    "cached audio input": 400_000n,
    "audio output": 64_000_000n,
  },
  "gpt-realtime-mini": {
    "text input": 600_000n,
    "cached text input": 60_000n,
    "text output": 2_400_000n,
    "audio input": 10_000_000n,
    "cached audio input": 300_000n,
    "audio output": 20_000_000n,
  },
};
/** whisper-1: $0.006 a minute, billed by the second. */
const WHISPER_MICRO_USD_PER_MINUTE = 6_000n;

/** A billed quantity: the line item's cost in pico-dollars (10⁻¹² $: µ$ per 1M × tokens). */
interface Billed {
  at: number;
  model: string;
  kind: "completions" | "images" | "audio_transcriptions";
  /** Usage API counts. */
  counts: Record<string, number>;
  /** Costs line items: "<model>, <kind>" → pico-dollars. */
  lines: Array<[string, bigint]>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const int = (v: unknown): number => (typeof v === "number" && Number.isInteger(v) ? v : 0);

/** What one recorded request billed, or null (no model ran, or a request that is not billed). */
export function billedOf(record: RecordedRequest): Billed | null {
  if (!isRecord(record.billed) && !(record.path === "/v1/images/generations" && record.status === 200)) return null;
  const at = record.receivedAt;
  const body = isRecord(record.body) ? record.body : {};
  if (record.path === "/v1/chat/completions" && isRecord(record.billed)) {
    const model = servedModel(String(body.model));
    const u = record.billed;
    const input = int(u.prompt_tokens);
    const details = isRecord(u.prompt_tokens_details) ? u.prompt_tokens_details : {};
    const cached = int(details.cached_tokens);
    // Written tokens are the part of the input neither read from the cache nor plain input.
    const written = int(details.cache_write_tokens);
    const output = int(u.completion_tokens);
    const price = TEXT_PRICES[model];
    const lines: Array<[string, bigint]> = price
      ? [
          [`${model}, input`, BigInt(input - cached - (price.cacheWrite === undefined ? 0 : written)) * price.input],
          [`${model}, cached input`, BigInt(cached) * price.cached],
          ...(price.cacheWrite === undefined
            ? []
            : [[`${model}, cache write input`, BigInt(written) * price.cacheWrite] as [string, bigint]]),
          [`${model}, output`, BigInt(output) * price.output],
        ]
      : [];
    return {
      at,
      model,
      kind: "completions",
      counts: {
        input_tokens: input,
        input_cached_tokens: cached,
        input_cache_write_tokens: written,
        output_tokens: output,
        num_model_requests: 1,
      },
      lines,
    };
  }
  if (record.path === "/v1/images/generations") {
    const model = typeof body.model === "string" ? body.model : "dall-e-2";
    const n = int(body.n) || 1;
    const counts = { images: n, num_model_requests: 1 };
    if (isRecord(record.billed)) {
      const u = record.billed;
      const details = isRecord(u.input_tokens_details) ? u.input_tokens_details : {};
      const price = IMAGE_TOKEN_PRICES[model];
      const lines: Array<[string, bigint]> = price
        ? [
            [`${model}, text input`, BigInt(int(details.text_tokens)) * price.text],
            [`${model}, image input`, BigInt(int(details.image_tokens)) * price.image],
            [`${model}, output`, BigInt(int(u.output_tokens)) * price.output],
          ]
        : [];
      return { at, model, kind: "images", counts, lines };
    }
    const quality = typeof body.quality === "string" ? body.quality : "standard";
    const size = typeof body.size === "string" ? body.size : "1024x1024";
    const each = model === "dall-e-3" ? DALLE3_PRICES[`${quality} ${size}`] : undefined;
    return {
      at,
      model,
      kind: "images",
      counts,
      lines: each === undefined ? [] : [[`${model}, images`, BigInt(n) * each * 1_000_000n]],
    };
  }
  if (record.path === "/v1/audio/transcriptions" && isRecord(record.billed)) {
    const fields = isRecord(body.fields) ? body.fields : {};
    const model = typeof fields.model === "string" ? fields.model : "whisper-1";
    const u = record.billed;
    if (u.type === "duration") {
      const seconds = int(u.seconds);
      // µ$/minute × seconds ÷ 60, in pico-dollars: × 1M ÷ 60 is exact for whisper's $0.006 (100 µ$/s).
      return {
        at,
        model,
        kind: "audio_transcriptions",
        counts: { seconds, num_model_requests: 1 },
        lines: [[`${model}, duration`, (BigInt(seconds) * WHISPER_MICRO_USD_PER_MINUTE * 1_000_000n) / 60n]],
      };
    }
    const details = isRecord(u.input_token_details) ? u.input_token_details : {};
    const price = TRANSCRIBE_PRICES[model];
    const lines: Array<[string, bigint]> = price
      ? [
          [`${model}, text input`, BigInt(int(details.text_tokens)) * price.text],
          [`${model}, audio input`, BigInt(int(details.audio_tokens)) * price.audio],
          [`${model}, output`, BigInt(int(u.output_tokens)) * price.output],
        ]
      : [];
    // The response reports tokens, not the audio's length: seconds are not known here.
    return { at, model, kind: "audio_transcriptions", counts: { seconds: 0, num_model_requests: 1 }, lines };
  }
  return null;
}

/** What each response of a realtime call billed: completions usage (audio included) of the session's model. */
export function billedOfRealtime(call: SimulatedCall): Billed[] {
  const model = typeof call.session.model === "string" ? call.session.model : "gpt-realtime";
  const price = REALTIME_PRICES[model];
  return call.responses.map((u, i) => {
    const cachedText = u.input_token_details.cached_tokens_details.text_tokens;
    const cachedAudio = u.input_token_details.cached_tokens_details.audio_tokens;
    const tokens = {
      "text input": u.input_token_details.text_tokens - cachedText,
      "cached text input": cachedText,
      "text output": u.output_token_details.text_tokens,
      "audio input": u.input_token_details.audio_tokens - cachedAudio,
      "cached audio input": cachedAudio,
      "audio output": u.output_token_details.audio_tokens,
    };
    return {
      at: call.respondedAt[i] ?? 0,
      model,
      kind: "completions" as const,
      counts: {
        input_tokens: u.input_tokens,
        input_cached_tokens: u.input_token_details.cached_tokens,
        output_tokens: u.output_tokens,
        input_audio_tokens: u.input_token_details.audio_tokens - cachedAudio,
        output_audio_tokens: u.output_token_details.audio_tokens,
        num_model_requests: 1,
      },
      lines: price
        ? Object.entries(tokens).map(([kind, n]): [string, bigint] => [
            `${model}, ${kind}`,
            BigInt(n) * price[kind as keyof typeof tokens],
          ])
        : [],
    };
  });
}

/** Pico-dollars → the dollar figure the API answers (a JSON number, written from its decimal text). */
function dollars(pico: bigint): number {
  const whole = pico / 1_000_000_000_000n;
  const fraction = (pico % 1_000_000_000_000n).toString().padStart(12, "0").replace(/0+$/, "");
  return Number(fraction ? `${whole}.${fraction}` : `${whole}`);
}

type Endpoint = "costs" | "completions" | "images" | "audio_transcriptions";

const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  "/v1/organization/costs": "costs",
  "/v1/organization/usage/completions": "completions",
  "/v1/organization/usage/images": "images",
  "/v1/organization/usage/audio_transcriptions": "audio_transcriptions",
};

/** The organization endpoint a GET path names, or null. */
export function organizationEndpoint(method: string, path: string): Endpoint | null {
  return method === "GET" && Object.hasOwn(ENDPOINTS, path) ? ENDPOINTS[path]! : null;
}

/** Admin keys are `sk-admin-…`; a project key is refused as OpenAI refuses it on these endpoints. */
export function requireAdminKey(key: string): void {
  if (!key.startsWith("sk-admin-")) {
    throw new HttpError(
      401,
      "Incorrect API key provided. The organization Usage and Costs APIs need an admin key (sk-admin-…): create one at https://platform.openai.com/settings/organization/admin-keys.",
      "invalid_request_error",
      null,
      "invalid_api_key",
    );
  }
}

const GROUPS: Readonly<Record<Endpoint, readonly string[]>> = {
  costs: ["project_id", "line_item", "api_key_id"],
  completions: ["project_id", "user_id", "api_key_id", "model", "batch", "service_tier"],
  images: ["project_id", "user_id", "api_key_id", "model", "size", "source"],
  audio_transcriptions: ["project_id", "user_id", "api_key_id", "model"],
};
const WIDTHS: Readonly<Record<string, number>> = { "1m": 60, "1h": 3_600, "1d": 86_400 };
/** Default and maximum `limit` (buckets per page) for a daily bucket width, per the spec. */
const LIMITS = { costs: { default: 7, max: 180 }, usage: { default: 7, max: 31 } } as const;

function integerParam(query: URLSearchParams, name: string, required: boolean): number | null {
  const text = query.get(name);
  if (text === null) {
    if (required) throw invalidRequest(`Missing required parameter: '${name}'.`, name, "missing_required_parameter");
    return null;
  }
  if (!/^\d+$/.test(text))
    throw invalidRequest(`Invalid '${name}': expected an integer, got '${text}'.`, name, "invalid_value");
  return Number(text);
}

/** Array query parameters as the spec's form style sends them: `group_by=a&group_by=b` (or `group_by[]=`). */
function arrayParam(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(name), ...query.getAll(`${name}[]`)].flatMap((v) => v.split(",")).filter((v) => v !== "");
}

/** The page of buckets one organization request asks for, from the simulator's recorded requests. */
export function organizationPage(
  endpoint: Endpoint,
  query: URLSearchParams,
  requests: readonly RecordedRequest[],
  realtimeCalls: readonly SimulatedCall[] = [],
): unknown {
  const start = integerParam(query, "start_time", true)!;
  const end = integerParam(query, "end_time", false) ?? Math.ceil(Date.now() / 1000);
  const widthName = query.get("bucket_width") ?? "1d";
  if (!Object.hasOwn(WIDTHS, widthName) || (endpoint === "costs" && widthName !== "1d")) {
    throw invalidRequest(`Invalid 'bucket_width': '${widthName}'.`, "bucket_width", "invalid_value");
  }
  const width = WIDTHS[widthName]!;
  const groupBy = arrayParam(query, "group_by");
  for (const group of groupBy) {
    if (!GROUPS[endpoint].includes(group))
      throw invalidRequest(`Invalid 'group_by': '${group}'.`, "group_by", "invalid_value");
  }
  const limits = endpoint === "costs" ? LIMITS.costs : LIMITS.usage;
  const limit = integerParam(query, "limit", false) ?? limits.default;
  if (limit < 1 || limit > limits.max)
    throw invalidRequest(`Invalid 'limit': must be between 1 and ${limits.max}.`, "limit", "invalid_value");
  const models = arrayParam(query, "models");

  // The cursor is the start of the next bucket, encoded so that clients treat it as opaque.
  const pageText = query.get("page");
  let first = start;
  if (pageText !== null) {
    const decoded = /^page_(\d+)$/.exec(Buffer.from(pageText, "base64url").toString("utf8"));
    if (!decoded) throw invalidRequest("Invalid 'page': not a cursor this endpoint returned.", "page", "invalid_value");
    first = Number(decoded[1]);
  }

  const billed = [
    ...requests.map(billedOf).filter((b): b is Billed => b !== null),
    ...realtimeCalls.flatMap(billedOfRealtime),
  ];
  const data: unknown[] = [];
  let bucketStart = first;
  while (bucketStart < end && data.length < limit) {
    const bucketEnd = bucketStart + width;
    const inBucket = billed.filter((b) => b.at >= bucketStart * 1000 && b.at < bucketEnd * 1000);
    data.push({
      object: "bucket",
      start_time: bucketStart,
      end_time: bucketEnd,
      results: results(endpoint, inBucket, groupBy, models),
    });
    bucketStart = bucketEnd;
  }
  const hasMore = bucketStart < end;
  return {
    object: "page",
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(`page_${bucketStart}`, "utf8").toString("base64url") : null,
  };
}

const PROJECT_ID = "proj_simulator";

function results(endpoint: Endpoint, billed: Billed[], groupBy: string[], models: string[]): unknown[] {
  if (endpoint === "costs") {
    const byLine = new Map<string | null, bigint>();
    for (const b of billed) {
      for (const [line, pico] of b.lines) {
        const key = groupBy.includes("line_item") ? line : null;
        byLine.set(key, (byLine.get(key) ?? 0n) + pico);
      }
    }
    return [...byLine].map(([line, pico]) => ({
      object: "organization.costs.result",
      amount: { value: dollars(pico), currency: "usd" },
      line_item: line,
      project_id: groupBy.includes("project_id") ? PROJECT_ID : null,
      api_key_id: null,
      quantity: null,
      quantity_unit: null,
    }));
  }
  const kind = endpoint;
  const own = billed.filter((b) => b.kind === kind && (models.length === 0 || models.includes(b.model)));
  const byModel = new Map<string | null, Record<string, number>>();
  for (const b of own) {
    const key = groupBy.includes("model") ? b.model : null;
    const sum = byModel.get(key) ?? {};
    for (const [name, value] of Object.entries(b.counts)) sum[name] = (sum[name] ?? 0) + value;
    byModel.set(key, sum);
  }
  const object = `organization.usage.${kind}.result`;
  return [...byModel].map(([model, counts]) => {
    const base = {
      object,
      ...counts,
      project_id: groupBy.includes("project_id") ? PROJECT_ID : null,
      user_id: null,
      api_key_id: null,
      model,
    };
    if (kind === "completions") {
      return {
        input_audio_tokens: 0,
        output_audio_tokens: 0,
        ...base,
        batch: groupBy.includes("batch") ? false : null,
        service_tier: groupBy.includes("service_tier") ? "default" : null,
      };
    }
    if (kind === "images")
      return { ...base, source: groupBy.includes("source") ? "image.generation" : null, size: null };
    return base;
  });
}
