// The usage aggregations over real Postgres: daily series (UTC days, zeros filled), this period's
// use and forecast, the monthly report — each scoped to one user. Expectations are hand-computed
// from the calls below.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createDb } from "@/lib/db/client";
import { grant, openAccount, startPeriod, verifyLedger } from "../ledger";
import { dailyUsage } from "./daily";
import { periodUsage } from "./period";
import { reportMonths } from "./months";
import { monthlyUsageReport } from "./report";
import { charge, text, type Call } from "@/test/usage/seed";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

let users = 0;
async function account(openedAt: string, label: string): Promise<string> {
  return t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: `usage-${label}-${++users}-${process.pid}@example.com` } });
    await openAccount(tx, {
      userId: user.id,
      now: new Date(openedAt),
      freeTierMillitokens: 100_000n,
      pricingVersion: 1,
    });
    return user.id;
  });
}

const NOW = new Date("2026-11-22T18:00:00.000Z");

// Alice: opened 2026-10-01T08:00 (free tier 100 tokens), a 2,000-token pack, one call in October,
// then the period of 2026-11-01T08:00 → 2026-12-01T08:00 and six calls in November.
const OCTOBER: Call = {
  at: "2026-10-30T12:00:00.000Z",
  feature: "chat",
  cost: 3_000n,
  usage: text("gpt-4o", 3_000n, 100, 100),
};
const NOVEMBER: Call[] = [
  { at: "2026-11-20T23:30:00.000Z", feature: "chat", cost: 4_600n, usage: text("gpt-4o", 4_600n, 1_000, 300, 200) },
  // 40 minutes later, but the next UTC day (the same evening in New York)
  { at: "2026-11-21T00:10:00.000Z", feature: "chat", cost: 2_250n, usage: text("gpt-4o", 2_250n, 500, 100) },
  {
    at: "2026-11-21T09:00:00.000Z",
    feature: "recipe-generator",
    cost: 1_140n,
    usage: text("gpt-4o-mini", 1_140n, 2_000, 1_400),
  },
  {
    at: "2026-11-21T10:00:00.000Z",
    feature: "generate-training-illustration",
    cost: 42_000n,
    usage: {
      model: "gpt-image-1",
      pricedAs: "gpt-image-1",
      priceSource: "catalogue",
      costMicroUsd: "42000",
      images: 1,
      size: "1024x1024",
      quality: "medium",
    },
  },
  {
    at: "2026-11-22T12:00:00.000Z",
    feature: "transcribe",
    cost: 6_200n,
    usage: {
      model: "whisper-1",
      pricedAs: "whisper-1",
      priceSource: "catalogue",
      costMicroUsd: "6200",
      seconds: 61.5,
      billedSeconds: 62,
    },
  },
  // A request that asked the model twice (a structured answer retried): the meter's merged record.
  {
    at: "2026-11-22T13:00:00.000Z",
    feature: "activity-analyzer",
    cost: 900n,
    usage: {
      calls: 2,
      model: "gpt-4o-mini",
      inputTokens: 800,
      cachedInputTokens: 0,
      outputTokens: 400,
      reasoningTokens: 0,
    },
  },
];

let alice: string;
let bob: string;

beforeAll(async () => {
  alice = await account("2026-10-01T08:00:00.000Z", "alice");
  await grant(t.db, {
    userId: alice,
    bucket: "purchased",
    kind: "grant_pack",
    amount: 2_000_000n,
    idempotencyKey: `checkout:usage-${alice}`,
  });
  await charge(t.db, alice, OCTOBER);
  const period = await startPeriod(t.db, {
    userId: alice,
    periodStart: new Date("2026-11-01T08:00:00.000Z"),
    periodEnd: new Date("2026-12-01T08:00:00.000Z"),
    allowance: 100_000n,
    kind: "grant_free",
  });
  expect(period.ok).toBe(true);
  for (const call of NOVEMBER) await charge(t.db, alice, call);

  // Bob uses the same features on the same days: none of it may ever appear in Alice's figures.
  bob = await account("2026-11-01T08:00:00.000Z", "bob");
  await charge(t.db, bob, {
    at: "2026-11-21T09:30:00.000Z",
    feature: "chat",
    cost: 7_777n,
    usage: text("gpt-4o", 7_777n, 900, 900),
  });
  await charge(t.db, bob, {
    at: "2026-11-22T09:30:00.000Z",
    feature: "meal-analyzer",
    cost: 11_111n,
    usage: text("gpt-4o", 11_111n, 3_000, 500),
  });
});

describe("dailyUsage", () => {
  it("sums the charges per UTC day by feature and by model, largest first, every day present", async () => {
    const usage = await dailyUsage(t.db, alice, { days: 30, now: NOW });
    // 30 days ending 2026-11-22: 2026-10-24 … 2026-11-22
    expect(usage.firstDay).toBe("2026-10-24");
    expect(usage.byFeature.days.map((d) => d.day)).toHaveLength(30);
    expect(usage.byFeature.days[0]!.day).toBe("2026-10-24");
    expect(usage.byFeature.days.at(-1)!.day).toBe("2026-11-22");
    // chat 3,000 + 4,600 + 2,250 = 9,850; illustration 42,000; transcribe 6,200; recipe 1,140; activity 900
    expect(usage.byFeature.keys).toEqual([
      "generate-training-illustration",
      "chat",
      "transcribe",
      "recipe-generator",
      "activity-analyzer",
    ]);
    expect(usage.byFeature.totals).toEqual([42_000n, 9_850n, 6_200n, 1_140n, 900n]);
    // gpt-4o-mini = 1,140 + 900 = 2,040
    expect(usage.byModel.keys).toEqual(["gpt-image-1", "gpt-4o", "whisper-1", "gpt-4o-mini"]);
    expect(usage.byModel.totals).toEqual([42_000n, 9_850n, 6_200n, 2_040n]);
    expect(usage.total).toBe(60_090n);

    const day = (d: string) => usage.byFeature.days.find((x) => x.day === d)!;
    expect(day("2026-10-30")).toEqual({ day: "2026-10-30", amounts: [0n, 3_000n, 0n, 0n, 0n], total: 3_000n });
    expect(day("2026-11-20")).toEqual({ day: "2026-11-20", amounts: [0n, 4_600n, 0n, 0n, 0n], total: 4_600n });
    // 42,000 + 2,250 + 1,140 = 45,390
    expect(day("2026-11-21")).toEqual({
      day: "2026-11-21",
      amounts: [42_000n, 2_250n, 0n, 1_140n, 0n],
      total: 45_390n,
    });
    expect(day("2026-11-22")).toEqual({ day: "2026-11-22", amounts: [0n, 0n, 6_200n, 0n, 900n], total: 7_100n });
    expect(day("2026-11-01")).toEqual({ day: "2026-11-01", amounts: [0n, 0n, 0n, 0n, 0n], total: 0n });
    const models = usage.byModel.days.find((x) => x.day === "2026-11-22")!;
    expect(models.amounts).toEqual([0n, 0n, 6_200n, 900n]);
  });

  it("leaves out what falls before the window and counts the 90-day one the same way", async () => {
    // 7 days ending 2026-11-22 start 2026-11-16: the October call is out
    const week = await dailyUsage(t.db, alice, { days: 7, now: NOW });
    expect(week.byFeature.days.map((d) => d.day)).toEqual([
      "2026-11-16",
      "2026-11-17",
      "2026-11-18",
      "2026-11-19",
      "2026-11-20",
      "2026-11-21",
      "2026-11-22",
    ]);
    expect(week.byFeature.totals).toEqual([42_000n, 6_850n, 6_200n, 1_140n, 900n]);
    expect(week.total).toBe(57_090n);
    const quarter = await dailyUsage(t.db, alice, { days: 90, now: NOW });
    expect(quarter.firstDay).toBe("2026-08-25");
    expect(quarter.byFeature.days).toHaveLength(90);
    expect(quarter.total).toBe(60_090n);
  });

  it("shows a user without usage every day at zero", async () => {
    const carol = await account("2026-11-01T08:00:00.000Z", "carol");
    const usage = await dailyUsage(t.db, carol, { days: 30, now: NOW });
    expect(usage.byFeature.keys).toEqual([]);
    expect(usage.byFeature.days).toHaveLength(30);
    expect(usage.byFeature.days.every((d) => d.total === 0n && d.amounts.length === 0)).toBe(true);
    expect(usage.total).toBe(0n);
  });

  it("never shows another user's usage", async () => {
    const usage = await dailyUsage(t.db, bob, { days: 30, now: NOW });
    expect(usage.byFeature.keys).toEqual(["meal-analyzer", "chat"]);
    expect(usage.byFeature.totals).toEqual([11_111n, 7_777n]);
    expect(usage.byModel.keys).toEqual(["gpt-4o"]);
    expect(usage.total).toBe(18_888n);
  });

  it("buckets by UTC day whatever the database session's time zone", async () => {
    await t.sql(`ALTER DATABASE "${new URL(t.url).pathname.slice(1)}" SET timezone = 'America/New_York'`);
    const newYork = createDb(t.url, 2);
    try {
      const [setting] = await newYork.$queryRaw<{ tz: string }[]>`SELECT current_setting('TimeZone') AS tz`;
      expect(setting?.tz).toBe("America/New_York");
      const usage = await dailyUsage(newYork, alice, { days: 30, now: NOW });
      const day = (d: string) => usage.byFeature.days.find((x) => x.day === d)!.total;
      expect([day("2026-11-20"), day("2026-11-21"), day("2026-11-22")]).toEqual([4_600n, 45_390n, 7_100n]);
      const report = await monthlyUsageReport(newYork, alice, "2026-11");
      expect(report.rows.map((r) => r.day)).toEqual([
        "2026-11-20",
        "2026-11-21",
        "2026-11-21",
        "2026-11-21",
        "2026-11-22",
        "2026-11-22",
      ]);
    } finally {
      await newYork.$disconnect();
      await t.sql(`ALTER DATABASE "${new URL(t.url).pathname.slice(1)}" RESET timezone`);
    }
  });
});

describe("periodUsage", () => {
  it("compares the period's charges with the allowance and forecasts from the last 7 days", async () => {
    const period = await periodUsage(t.db, alice, NOW);
    // used since 2026-11-01T08:00 = 4,600 + 2,250 + 1,140 + 42,000 + 6,200 + 900 = 57,090 (October's 3,000 is not)
    // available = 100,000 − 57,090 (allowance) + 2,000,000 (pack) = 2,042,910
    expect(period).toMatchObject({
      periodStart: new Date("2026-11-01T08:00:00.000Z"),
      periodEnd: new Date("2026-12-01T08:00:00.000Z"),
      allowance: 100_000n,
      used: 57_090n,
      available: 2_042_910n,
      planName: null,
    });
    // window 2026-11-15T18:00 → now (7 days): 57,090 consumed → 8,155.7 a day → 8,156; 2,042,910 lasts ~250 days
    expect(period!.forecast).toEqual({
      kind: "outlasts-period",
      window: { start: new Date("2026-11-15T18:00:00.000Z"), ms: 604_800_000n },
      dailyAverage: 8_156n,
      periodEnd: new Date("2026-12-01T08:00:00.000Z"),
    });
  });

  it("dates the run-out from the period so far when it began less than 7 days ago", async () => {
    // Dave: free tier only, period 2026-11-20T00:00 → 2026-12-20T00:00, one call of 40,000 on 2026-11-21
    const dave = await account("2026-11-20T00:00:00.000Z", "dave");
    await charge(t.db, dave, {
      at: "2026-11-21T00:00:00.000Z",
      feature: "chat",
      cost: 40_000n,
      usage: text("gpt-4o", 40_000n, 9_000, 1_750),
    });
    const now = new Date("2026-11-22T00:00:00.000Z");
    const period = await periodUsage(t.db, dave, now);
    expect(period).toMatchObject({ used: 40_000n, available: 60_000n, allowance: 100_000n });
    // 40,000 in 2 days = 20,000 a day; 60,000 left → 3 days → 2026-11-25T00:00
    expect(period!.forecast).toEqual({
      kind: "runs-out",
      window: { start: new Date("2026-11-20T00:00:00.000Z"), ms: 172_800_000n },
      dailyAverage: 20_000n,
      at: new Date("2026-11-25T00:00:00.000Z"),
    });
  });

  it("counts what was charged, not the part of the cost that could not be covered, and says empty", async () => {
    // Erin: 100,000 free; a call held 50,000 but cost 150,000: 100,000 charged, 50,000 shortfall
    const erin = await account("2026-11-20T00:00:00.000Z", "erin");
    const charged = await charge(t.db, erin, {
      at: "2026-11-21T12:00:00.000Z",
      feature: "chat",
      cost: 150_000n,
      hold: 50_000n,
      usage: text("gpt-4o", 150_000n, 20_000, 10_000),
    });
    expect(charged).toBe(100_000n);
    const period = await periodUsage(t.db, erin, NOW);
    expect(period).toMatchObject({ used: 100_000n, available: 0n, forecast: { kind: "empty" } });
    const report = await monthlyUsageReport(t.db, erin, "2026-11");
    expect(report.totals).toMatchObject({ calls: 1n, costMicroUsd: 150_000n, charged: 100_000n });
  });

  it("takes the allowance from the user's plan and says no usage when the window is empty", async () => {
    const frank = await account("2026-11-01T08:00:00.000Z", "frank");
    await t.db.userSubscription.create({ data: { userId: frank, planId: "pro", status: "active" } });
    const period = await periodUsage(t.db, frank, NOW);
    // Pro: 3,000 tokens a month
    expect(period).toMatchObject({ allowance: 3_000_000n, used: 0n, planName: "Pro", forecast: { kind: "no-usage" } });
  });

  it("is null for a user without a token account", async () => {
    const user = await t.db.user.create({ data: { email: `usage-none-${process.pid}@example.com` } });
    expect(await periodUsage(t.db, user.id, NOW)).toBeNull();
  });
});

describe("monthlyUsageReport", () => {
  it("lists day × feature × model with the usage counts, the cost and the charge, and the month's totals", async () => {
    const report = await monthlyUsageReport(t.db, alice, "2026-11");
    const zero = {
      calls: 1n,
      inputTokens: 0n,
      cachedInputTokens: 0n,
      outputTokens: 0n,
      audioInputTokens: 0n,
      audioOutputTokens: 0n,
      images: 0n,
      seconds: "0",
    };
    expect(report.rows).toEqual([
      {
        day: "2026-11-20",
        feature: "chat",
        model: "gpt-4o",
        ...zero,
        inputTokens: 1_000n,
        cachedInputTokens: 200n,
        outputTokens: 300n,
        costMicroUsd: 4_600n,
        charged: 4_600n,
      },
      {
        day: "2026-11-21",
        feature: "chat",
        model: "gpt-4o",
        ...zero,
        inputTokens: 500n,
        outputTokens: 100n,
        costMicroUsd: 2_250n,
        charged: 2_250n,
      },
      {
        day: "2026-11-21",
        feature: "generate-training-illustration",
        model: "gpt-image-1",
        ...zero,
        images: 1n,
        costMicroUsd: 42_000n,
        charged: 42_000n,
      },
      {
        day: "2026-11-21",
        feature: "recipe-generator",
        model: "gpt-4o-mini",
        ...zero,
        inputTokens: 2_000n,
        outputTokens: 1_400n,
        costMicroUsd: 1_140n,
        charged: 1_140n,
      },
      {
        day: "2026-11-22",
        feature: "activity-analyzer",
        model: "gpt-4o-mini",
        ...zero,
        inputTokens: 800n,
        outputTokens: 400n,
        costMicroUsd: 900n,
        charged: 900n,
      },
      {
        day: "2026-11-22",
        feature: "transcribe",
        model: "whisper-1",
        ...zero,
        seconds: "61.5",
        costMicroUsd: 6_200n,
        charged: 6_200n,
      },
    ]);
    // 1,000 + 500 + 2,000 + 800 = 4,300 in; 300 + 100 + 1,400 + 400 = 2,200 out; 57,090 µ$
    expect(report.totals).toEqual({
      calls: 6n,
      inputTokens: 4_300n,
      cachedInputTokens: 200n,
      outputTokens: 2_200n,
      audioInputTokens: 0n,
      audioOutputTokens: 0n,
      images: 1n,
      seconds: "61.5",
      costMicroUsd: 57_090n,
      charged: 57_090n,
    });
  });

  it("bounds the month in UTC and scopes it to the user", async () => {
    const october = await monthlyUsageReport(t.db, alice, "2026-10");
    expect(october.rows).toEqual([
      expect.objectContaining({
        day: "2026-10-30",
        feature: "chat",
        model: "gpt-4o",
        inputTokens: 100n,
        outputTokens: 100n,
        costMicroUsd: 3_000n,
        charged: 3_000n,
      }),
    ]);
    const bobs = await monthlyUsageReport(t.db, bob, "2026-11");
    expect(bobs.rows.map((r) => [r.day, r.feature, r.charged])).toEqual([
      ["2026-11-21", "chat", 7_777n],
      ["2026-11-22", "meal-analyzer", 11_111n],
    ]);
    expect(bobs.totals.charged).toBe(18_888n);
  });

  it("has zero totals for a month without usage", async () => {
    const empty = await monthlyUsageReport(t.db, alice, "2026-09");
    expect(empty.rows).toEqual([]);
    expect(empty.totals).toMatchObject({ calls: 0n, costMicroUsd: 0n, charged: 0n, seconds: "0" });
  });

  it("puts a row stamped at the last instant of a month in that month", async () => {
    const gina = await account("2026-10-01T00:00:00.000Z", "gina");
    await charge(t.db, gina, {
      at: "2026-10-31T23:59:59.999Z",
      feature: "chat",
      cost: 10n,
      usage: text("gpt-4o", 10n, 1, 1),
    });
    await charge(t.db, gina, {
      at: "2026-11-01T00:00:00.000Z",
      feature: "chat",
      cost: 20n,
      usage: text("gpt-4o", 20n, 1, 1),
    });
    expect((await monthlyUsageReport(t.db, gina, "2026-10")).totals.charged).toBe(10n);
    expect((await monthlyUsageReport(t.db, gina, "2026-11")).totals.charged).toBe(20n);
  });
});

describe("reportMonths", () => {
  it("offers the months from the account's opening to now, newest first", async () => {
    expect(await reportMonths(t.db, alice, NOW)).toEqual(["2026-11", "2026-10"]);
    expect(await reportMonths(t.db, bob, NOW)).toEqual(["2026-11"]);
    expect(await reportMonths(t.db, alice, new Date("2029-03-01T00:00:00.000Z"))).toHaveLength(24);
  });
});

it("leaves the ledger consistent: every balance equals the sum of its rows", async () => {
  const result = await verifyLedger(t.db);
  // alice, bob, carol, dave, erin, frank, gina
  expect(result.usersChecked).toBe(7);
  expect(result.mismatches).toEqual([]);
});
