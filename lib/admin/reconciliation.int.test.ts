// Cost reconciliation offline, end to end: calls through the real metered routes (chat on
// gpt-5-mini, an illustration on gpt-image-1) against the loopback OpenAI simulator, whose
// organization Usage and Costs APIs bill what it served at ITS OWN prices; then reconcileDay reads
// them through the admin-key client and compares them with the ledger in real Postgres. A deliberate
// price error (an admin override on gpt-5-mini) must be flagged; the correctly priced model must not.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SIMULATOR_ADMIN_KEY } from "../env";
import { readProviderBill } from "../ai/provider-bill";
import { reconcileProviderCosts } from "../ai/reconcile";
import { startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";
import { invalidatePricingCache } from "../tokens/metering/pricing-cache";
import { getActivePricing } from "../tokens/pricing-config";
import { businessReport, parseRate } from "./business";
import { businessCsv } from "./business-csv";
import { saveEdit } from "./pricing";
import { recentReconciliations, reconcileDay, UNATTRIBUTED } from "./reconciliation";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("../auth/session", () => ({
  sessionUserId: async () => session.userId,
  sessionClaims: async () =>
    session.userId ? { userId: session.userId, sessionVersion: 0, verify: async () => true } : null,
}));

let h: RouteHarness;
let chatPOST: (request: Request) => Promise<Response>;
let imagePOST: (request: Request) => Promise<Response>;
const day = new Date().toISOString().slice(0, 10);
const CHAT = "gpt-5-mini-2025-08-07";

beforeAll(async () => {
  h = await startRouteHarness(session, "reconcile", { tokensPerSecond: 2_000 });
  Object.assign(process.env, { OPENAI_ADMIN_KEY: SIMULATOR_ADMIN_KEY, CRON_SECRET: "reconcile-cron-secret" });
  ({ POST: chatPOST } = await import("@/app/api/ai/chat/route"));
  ({ POST: imagePOST } = await import("@/app/api/ai/generate-training-illustration/route"));
});

afterAll(() => h?.close());

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

async function chat(message: string): Promise<void> {
  const response = await chatPOST(new Request("http://localhost/api/ai/chat", json({ message })));
  expect(response.status).toBe(200);
  await response.text();
}

async function illustrate(description: string): Promise<void> {
  const response = await imagePOST(
    new Request("http://localhost/api/ai/generate-training-illustration", json({ description })),
  );
  expect(response.status).toBe(200);
  await response.text();
}

interface ChatBilled {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}
interface ImageBilled {
  input_tokens_details: { text_tokens: number; image_tokens: number };
  output_tokens: number;
}
const billedOf = <T>(path: string) =>
  h.simulator.requests.filter((r) => r.path === path && r.billed).map((r) => r.billed as T);
const ceilDiv = (n: bigint, d: bigint) => (n + d - 1n) / d;
const roundDiv = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);

/** One call's ledger charge at µ$/1M prices, as the cost engine computes it: rounded up once per call. */
const chatCharge = (u: ChatBilled, p: { input: bigint; cached: bigint; output: bigint }) => {
  const cached = BigInt(u.prompt_tokens_details.cached_tokens);
  return ceilDiv(
    (BigInt(u.prompt_tokens) - cached) * p.input + cached * p.cached + BigInt(u.completion_tokens) * p.output,
    1_000_000n,
  );
};
/** The bill's figure: each line item's exact amount summed over the day, rounded half up to the µ$ by our reader. */
const chatBill = (calls: ChatBilled[]) => {
  const sum = (f: (u: ChatBilled) => number) => calls.reduce((s, u) => s + BigInt(f(u)), 0n);
  const cached = sum((u) => u.prompt_tokens_details.cached_tokens);
  return (
    roundDiv((sum((u) => u.prompt_tokens) - cached) * 250_000n, 1_000_000n) +
    roundDiv(cached * 25_000n, 1_000_000n) +
    roundDiv(sum((u) => u.completion_tokens) * 2_000_000n, 1_000_000n)
  );
};
const LIST = { input: 250_000n, cached: 25_000n, output: 2_000_000n };
const WRONG = { input: 500_000n, cached: 50_000n, output: 2_000_000n };

describe("cost reconciliation against the simulator's Usage and Costs APIs", () => {
  it("finds ledger and bill in agreement per model, then flags gpt-5-mini once an override charges its input twice", async () => {
    const userId = await h.signIn(5_000_000n);
    await chat("How many grams of protein should I eat after a 10 km run?");
    await chat("Plan a recovery day after a long hike.");
    await illustrate("Romanian deadlift with a barbell, hinge at the hips, neutral spine");

    const first = await reconcileProviderCosts(h.t.db, day, {
      OPENAI_ADMIN_KEY: SIMULATOR_ADMIN_KEY,
      OPENAI_BASE_URL: h.simulator.url,
    });
    const chats = billedOf<ChatBilled>("/v1/chat/completions");
    const [image] = billedOf<ImageBilled>("/v1/images/generations");
    expect(chats).toHaveLength(2);
    const rows1 = await recentReconciliations(h.t.db, { days: 1 });
    const oursChat = chats.reduce((s, u) => s + chatCharge(u, LIST), 0n);
    const imageCost = BigInt(image!.input_tokens_details.text_tokens) * 5n + BigInt(image!.output_tokens) * 40n;
    expect(rows1.map((r) => [r.model, r.oursMicroUsd, r.theirsMicroUsd, r.theirsSource, r.flagged])).toEqual([
      [CHAT, oursChat, chatBill(chats), "costs", false],
      ["gpt-image-1", imageCost, imageCost, "costs", false],
    ]);
    // The ledger's rows are what the test computed by hand.
    const consumed = await h.consumeRows(userId);
    expect(consumed.reduce((s, r) => s + (r.costMicroUsd ?? 0n), 0n)).toBe(oursChat + imageCost);
    expect(rows1[0]!.differenceMicroUsd).toBe(oursChat - chatBill(chats));
    expect(rows1[0]!.detail.ours).toMatchObject({
      calls: 2,
      inputTokens: rows1[0]!.detail.theirs!.inputTokens,
      outputTokens: rows1[0]!.detail.theirs!.outputTokens,
    });
    expect(first).toMatchObject({ configured: true, day, rows: 2, flagged: [] });

    // The deliberate error: an admin override that charges gpt-5-mini's input at $0.50/1M (list $0.25).
    const active = await getActivePricing(h.t.db);
    const adminId = (
      await h.t.db.user.create({ data: { email: `reconcile-admin-${Date.now()}@example.com`, role: "admin" } })
    ).id;
    const strip = <T extends { lookupKey: string }>(tier: T): Omit<T, "lookupKey"> => {
      const copy: Partial<T> = { ...tier };
      delete copy.lookupKey;
      return copy as Omit<T, "lookupKey">;
    };
    const saved = await saveEdit(
      h.t.db,
      {
        baseVersion: active.version,
        microUsdPerToken: active.microUsdPerToken,
        freeTierTokens: Number(active.freeTierMillitokens / 1000n),
        plans: active.plans.map(strip),
        packs: active.packs.map(strip),
        modelPriceOverrides: {
          "gpt-5-mini": {
            kind: "text",
            inputMicroUsdPer1M: 500_000,
            cachedInputMicroUsdPer1M: 50_000,
            outputMicroUsdPer1M: 2_000_000,
          },
        },
        note: "a deliberate price error",
      },
      adminId,
    );
    expect(saved.ok).toBe(true);
    invalidatePricingCache();
    await chat("Give me a detailed warm-up routine before heavy squats, step by step.");
    await chat("What should I eat the evening before a marathon?");

    const second = await reconcileProviderCosts(h.t.db, day, {
      OPENAI_ADMIN_KEY: SIMULATOR_ADMIN_KEY,
      OPENAI_BASE_URL: h.simulator.url,
    });
    const all = billedOf<ChatBilled>("/v1/chat/completions");
    expect(all).toHaveLength(4);
    const ours = oursChat + chatCharge(all[2]!, WRONG) + chatCharge(all[3]!, WRONG);
    const theirs = chatBill(all);
    const rows2 = await recentReconciliations(h.t.db, { days: 1 });
    // Re-running the day replaced its rows: still one per model.
    expect(rows2.map((r) => [r.model, r.oursMicroUsd, r.theirsMicroUsd, r.flagged])).toEqual([
      [CHAT, ours, theirs, true],
      ["gpt-image-1", imageCost, imageCost, false],
    ]);
    const bp = Number(((ours - theirs) * 10_000n * 2n + theirs) / (2n * theirs));
    expect(rows2[0]!.differenceBp).toBe(bp);
    expect(bp).toBeGreaterThan(100);
    expect(second).toMatchObject({ configured: true, rows: 2, flagged: [CHAT] });
    expect(await h.t.db.costReconciliation.count()).toBe(2);

    // The overview's report and its CSV carry the same rows.
    const report = await businessReport(h.t.db, { month: day.slice(0, 7), rate: parseRate("0.92") });
    expect(report.reconciliation).toEqual(rows2);
    const csv = businessCsv(report).split("\r\n");
    expect(csv).toEqual(
      expect.arrayContaining([
        `cost_reconciliation,${day} ${CHAT},ours_micro_usd,${ours}`,
        `cost_reconciliation,${day} ${CHAT},theirs_micro_usd,${theirs}`,
        `cost_reconciliation,${day} ${CHAT},difference_micro_usd,${ours - theirs}`,
        `cost_reconciliation,${day} ${CHAT},difference_basis_points,${bp}`,
        `cost_reconciliation,${day} ${CHAT},theirs_source,costs`,
        `cost_reconciliation,${day} ${CHAT},flagged_above_1_percent,1`,
        `cost_reconciliation,${day} gpt-image-1,difference_micro_usd,0`,
        `cost_reconciliation,${day} gpt-image-1,flagged_above_1_percent,0`,
      ]),
    );

    // The daily cron route gives the same report, behind the cron secret.
    const { GET } = await import("@/app/api/cron/reconcile-costs/route");
    const refused = await GET(
      new Request(`http://localhost/api/cron/reconcile-costs?day=${day}`, {
        headers: { authorization: "Bearer wrong" },
      }),
    );
    expect(refused.status).toBe(401);
    const cron = await GET(
      new Request(`http://localhost/api/cron/reconcile-costs?day=${day}`, {
        headers: { authorization: "Bearer reconcile-cron-secret" },
      }),
    );
    expect(cron.status).toBe(200);
    expect(await cron.json()).toMatchObject({ configured: true, day, rows: 2, flagged: [CHAT] });
    const bad = await GET(
      new Request("http://localhost/api/cron/reconcile-costs?day=2026-02-30", {
        headers: { authorization: "Bearer reconcile-cron-secret" },
      }),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "invalid_query", field: "day", message: "day is not a calendar day" });
    expect(await h.t.db.costReconciliation.count()).toBe(2);
  });

  it("reads every page of the bill (one daily bucket a page) and refuses a project key", async () => {
    const start = new Date(`${day}T00:00:00Z`);
    const requested: string[] = [];
    const bill = await readProviderBill(new Date(start.getTime() - 86_400_000), {
      baseUrl: h.simulator.url,
      adminKey: SIMULATOR_ADMIN_KEY,
      fetch: (url, init) => {
        requested.push(String(url));
        return fetch(url, init);
      },
    });
    // Yesterday's window holds nothing: every line and count is empty.
    expect(bill).toEqual({ costs: [], usage: [] });
    const page = await fetch(
      `${h.simulator.url}/organization/costs?start_time=${start.getTime() / 1000 - 86_400}&limit=1&group_by=line_item`,
      {
        headers: { authorization: `Bearer ${SIMULATOR_ADMIN_KEY}` },
      },
    ).then((r) => r.json());
    expect(page).toMatchObject({
      object: "page",
      has_more: true,
      data: [{ object: "bucket", start_time: start.getTime() / 1000 - 86_400, results: [] }],
    });
    const next = await fetch(
      `${h.simulator.url}/organization/costs?start_time=${start.getTime() / 1000 - 86_400}&limit=1&group_by=line_item&page=${page.next_page}`,
      {
        headers: { authorization: `Bearer ${SIMULATOR_ADMIN_KEY}` },
      },
    ).then((r) => r.json());
    expect(next.data[0].start_time).toBe(start.getTime() / 1000);
    expect(next.data[0].results.map((r: { line_item: string }) => r.line_item)).toContain(`${CHAT}, input`);
    expect(requested.every((u) => new URL(u).searchParams.get("bucket_width") === "1d")).toBe(true);
    await expect(
      readProviderBill(start, { baseUrl: h.simulator.url, adminKey: "sk-tollgate-simulator" }),
    ).rejects.toThrow(/answered 401: .*admin key/);
  });

  it("puts a line item of another form under (unattributed), falls back to list prices only without a line item, and stores nothing unconfigured", async () => {
    const other = "2026-01-15";
    const report = await reconcileDay(h.t.db, other, {
      adminKey: SIMULATOR_ADMIN_KEY,
      readBill: async () => ({
        costs: [{ lineItem: "input_tokens", microUsd: 60_000n }],
        usage: [
          {
            model: "gpt-4o-mini-2024-07-18",
            requests: 1,
            inputTokens: 1_000_000,
            cachedInputTokens: 0,
            cacheWriteInputTokens: 0,
            outputTokens: 1_000_000,
            images: 0,
            seconds: 0,
          },
          {
            model: "gpt-5.6-sol",
            requests: 1,
            inputTokens: 100_000,
            cachedInputTokens: 20_000,
            cacheWriteInputTokens: 50_000,
            outputTokens: 10_000,
            images: 0,
            seconds: 0,
          },
        ],
      }),
    });
    expect(report).toMatchObject({
      configured: true,
      rows: 3,
      flagged: [UNATTRIBUTED, "gpt-4o-mini-2024-07-18", "gpt-5.6-sol"],
    });
    const rows = (await recentReconciliations(h.t.db, { days: 1, until: new Date(`${other}T00:00:00Z`) })).map((r) => [
      r.model,
      r.oursMicroUsd,
      r.theirsMicroUsd,
      r.differenceBp,
      r.theirsSource,
    ]);
    // gpt-4o-mini at the catalogue's $0.15 in / $0.60 out per 1M: 750,000 µ$; ours 0 → −100.00%.
    expect(rows).toEqual([
      [UNATTRIBUTED, 0n, 60_000n, -10_000, "costs"],
      ["gpt-4o-mini-2024-07-18", 0n, 750_000n, -10_000, "usage"],
      // gpt-5.6-sol's list prices count the cache writes: 30,000 × $4 + 20,000 × $0.40 + 50,000 × $5
      // + 10,000 × $20 = 120,000 + 8,000 + 250,000 + 200,000 µ$ (as plain input it would be 528,000)
      ["gpt-5.6-sol", 0n, 578_000n, -10_000, "usage"],
    ]);

    const unconfigured = await reconcileDay(h.t.db, "2026-01-16", {
      adminKey: undefined,
      readBill: () => Promise.reject(new Error("must not be read")),
    });
    expect(unconfigured).toMatchObject({ configured: false, day: "2026-01-16" });
    expect((unconfigured as { message: string }).message).toContain("OPENAI_ADMIN_KEY");
    expect(await h.t.db.costReconciliation.count({ where: { day: new Date("2026-01-16T00:00:00Z") } })).toBe(0);
  });

  it("lets concurrent runs of one day finish, the last one's rows standing (never a duplicate, never a unique violation)", async () => {
    const busy = "2026-01-20";
    const bill = (microUsd: bigint) => async () => ({
      costs: [
        { lineItem: "gpt-4o-2024-08-06, input", microUsd },
        { lineItem: "o3-2025-04-16, output", microUsd },
      ],
      usage: [],
    });
    const runs = await Promise.allSettled(
      [1n, 2n, 3n, 4n].map((n) =>
        reconcileDay(h.t.db, busy, { adminKey: SIMULATOR_ADMIN_KEY, readBill: bill(n * 1_000n) }),
      ),
    );
    expect(runs.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    const rows = await h.t.db.costReconciliation.findMany({ where: { day: new Date(`${busy}T00:00:00Z`) } });
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.theirsMicroUsd)).size).toBe(1);
  });
});
