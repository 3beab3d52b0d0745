// The simulator's organization Usage and Costs APIs, by hand: what it served, priced at its own
// table, in the shapes openai/openai-openapi gives (UsageResponse, CostsResult,
// UsageCompletionsResult), admin keys only, pages of `limit` buckets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billedOf, billedOfRealtime, organizationPage } from "./organization";
import type { RecordedRequest } from "./server";
import { startOpenAISimulator, type OpenAISimulator } from "./index";

const DAY = 1_764_633_600; // 2025-12-02T00:00:00Z
const at = (seconds: number) => (DAY + seconds) * 1000;

function chatRecord(
  model: string,
  usage: { prompt: number; cached: number; completion: number },
  seconds: number,
): RecordedRequest {
  return {
    id: `req_${seconds}`,
    method: "POST",
    path: "/v1/chat/completions",
    headers: {},
    body: { model },
    fault: null,
    receivedAt: at(seconds),
    status: 200,
    usage: null,
    billed: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      prompt_tokens_details: { cached_tokens: usage.cached },
    },
    outcome: "completed",
  };
}

describe("organizationPage", () => {
  const records = [
    chatRecord("gpt-5-mini", { prompt: 1_000, cached: 200, completion: 300 }, 10),
    chatRecord("gpt-5-mini", { prompt: 123, cached: 0, completion: 7 }, 20),
    chatRecord("gpt-4o-mini", { prompt: 50, cached: 0, completion: 5 }, 86_400 + 5), // the next day
  ];

  it("bills each line item at the simulator's own prices, in dollars", () => {
    const page = organizationPage(
      "costs",
      new URLSearchParams({ start_time: String(DAY), end_time: String(DAY + 86_400), group_by: "line_item" }),
      records,
    );
    // gpt-5-mini: (923 × $0.25 + 200 × $0.025 + 307 × $2) / 1M.
    expect(page).toEqual({
      object: "page",
      has_more: false,
      next_page: null,
      data: [
        {
          object: "bucket",
          start_time: DAY,
          end_time: DAY + 86_400,
          results: [
            {
              object: "organization.costs.result",
              amount: { value: 0.00023075, currency: "usd" },
              line_item: "gpt-5-mini-2025-08-07, input",
              project_id: null,
              api_key_id: null,
              quantity: null,
              quantity_unit: null,
            },
            {
              object: "organization.costs.result",
              amount: { value: 0.000005, currency: "usd" },
              line_item: "gpt-5-mini-2025-08-07, cached input",
              project_id: null,
              api_key_id: null,
              quantity: null,
              quantity_unit: null,
            },
            {
              object: "organization.costs.result",
              amount: { value: 0.000614, currency: "usd" },
              line_item: "gpt-5-mini-2025-08-07, output",
              project_id: null,
              api_key_id: null,
              quantity: null,
              quantity_unit: null,
            },
          ],
        },
      ],
    });
  });

  it("sums usage per model with group_by=model, one bucket a page with limit=1", () => {
    const query = new URLSearchParams({ start_time: String(DAY), end_time: String(DAY + 2 * 86_400), limit: "1" });
    query.append("group_by", "model");
    const first = organizationPage("completions", query, records) as {
      has_more: boolean;
      next_page: string;
      data: { results: unknown[] }[];
    };
    expect(first.has_more).toBe(true);
    expect(first.data[0]!.results).toEqual([
      expect.objectContaining({
        object: "organization.usage.completions.result",
        model: "gpt-5-mini-2025-08-07",
        input_tokens: 1_123,
        input_cached_tokens: 200,
        output_tokens: 307,
        num_model_requests: 2,
        input_audio_tokens: 0,
      }),
    ]);
    query.set("page", first.next_page);
    const second = organizationPage("completions", query, records) as {
      has_more: boolean;
      next_page: string | null;
      data: { start_time: number; results: unknown[] }[];
    };
    expect(second).toMatchObject({
      has_more: false,
      next_page: null,
      data: [
        {
          start_time: DAY + 86_400,
          results: [expect.objectContaining({ model: "gpt-4o-mini-2024-07-18", input_tokens: 50 })],
        },
      ],
    });
  });

  it("refuses what the spec does not allow", () => {
    expect(() => organizationPage("costs", new URLSearchParams({}), records)).toThrow(
      "Missing required parameter: 'start_time'.",
    );
    expect(() =>
      organizationPage("costs", new URLSearchParams({ start_time: String(DAY), bucket_width: "1h" }), records),
    ).toThrow("Invalid 'bucket_width'");
    expect(() =>
      organizationPage("costs", new URLSearchParams({ start_time: String(DAY), group_by: "model" }), records),
    ).toThrow("Invalid 'group_by'");
    expect(() =>
      organizationPage("completions", new URLSearchParams({ start_time: String(DAY), limit: "32" }), records),
    ).toThrow("Invalid 'limit'");
    expect(() =>
      organizationPage("costs", new URLSearchParams({ start_time: String(DAY), page: "nope" }), records),
    ).toThrow("Invalid 'page'");
  });
});

describe("billedOf: cache writes", () => {
  const withWrites = (model: string, written: number | undefined): RecordedRequest => {
    const record = chatRecord(model, { prompt: 6_000, cached: 1_024, completion: 300 }, 40);
    const details = { cached_tokens: 1_024, ...(written === undefined ? {} : { cache_write_tokens: written }) };
    return { ...record, billed: { ...(record.billed as object), prompt_tokens_details: details } };
  };

  it("bills written tokens at the simulator's own cache-write price and counts them in the Usage API", () => {
    // gpt-5.6-sol: $4 input, $0.40 cached, $5 cache write, $20 output per 1M (pico-dollars: tokens × µ$/1M)
    const billed = billedOf(withWrites("gpt-5.6-sol", 4_864));
    expect(billed!.lines).toEqual([
      ["gpt-5.6-sol, input", 112n * 4_000_000n],
      ["gpt-5.6-sol, cached input", 1_024n * 400_000n],
      ["gpt-5.6-sol, cache write input", 4_864n * 5_000_000n],
      ["gpt-5.6-sol, output", 300n * 20_000_000n],
    ]);
    expect(billed!.counts).toEqual({
      input_tokens: 6_000,
      input_cached_tokens: 1_024,
      input_cache_write_tokens: 4_864,
      output_tokens: 300,
      num_model_requests: 1,
    });
  });

  it("has no cache-write line for a model without a cache-write price", () => {
    const billed = billedOf(withWrites("gpt-5-mini", undefined));
    expect(billed!.lines.map(([line]) => line)).toEqual([
      "gpt-5-mini-2025-08-07, input",
      "gpt-5-mini-2025-08-07, cached input",
      "gpt-5-mini-2025-08-07, output",
    ]);
    expect(billed!.counts).toMatchObject({ input_cache_write_tokens: 0 });
  });
});

describe("billedOfRealtime", () => {
  it("bills a realtime response's text and audio, cached and not, at gpt-realtime's prices", () => {
    const [billed] = billedOfRealtime({
      id: "rtc_1",
      session: { model: "gpt-realtime" },
      sidebands: 1,
      ended: true,
      respondedAt: [at(30)],
      responses: [
        {
          total_tokens: 0,
          input_tokens: 1_300,
          output_tokens: 500,
          input_token_details: {
            text_tokens: 300,
            audio_tokens: 1_000,
            image_tokens: 0,
            cached_tokens: 600,
            cached_tokens_details: { text_tokens: 100, audio_tokens: 500, image_tokens: 0 },
          },
          output_token_details: { text_tokens: 100, audio_tokens: 400 },
        },
      ],
    });
    expect(billed!.lines).toEqual([
      ["gpt-realtime, text input", 200n * 4_000_000n],
      ["gpt-realtime, cached text input", 100n * 400_000n],
      ["gpt-realtime, text output", 100n * 16_000_000n],
      ["gpt-realtime, audio input", 500n * 32_000_000n],
      ["gpt-realtime, cached audio input", 500n * 400_000n],
      ["gpt-realtime, audio output", 400n * 64_000_000n],
    ]);
    expect(billed!.counts).toMatchObject({
      input_tokens: 1_300,
      input_cached_tokens: 600,
      output_tokens: 500,
      input_audio_tokens: 500,
      output_audio_tokens: 400,
    });
  });
});

describe("GET /v1/organization/* on the simulator", () => {
  let sim: OpenAISimulator;
  beforeAll(async () => {
    sim = await startOpenAISimulator({ port: 0 });
  });
  afterAll(() => sim?.close());

  it("answers an admin key and refuses a project key with 401", async () => {
    const url = `${sim.url}/organization/costs?start_time=${DAY}&end_time=${DAY + 86_400}`;
    const refused = await fetch(url, { headers: { authorization: "Bearer sk-tollgate-simulator" } });
    expect(refused.status).toBe(401);
    expect((await refused.json()).error).toMatchObject({ code: "invalid_api_key", type: "invalid_request_error" });
    const ok = await fetch(url, { headers: { authorization: "Bearer sk-admin-test" } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      object: "page",
      has_more: false,
      next_page: null,
      data: [{ object: "bucket", start_time: DAY, end_time: DAY + 86_400, results: [] }],
    });
  });
});
