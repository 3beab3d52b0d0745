// The business figures on seeded data, over real Postgres. Balances and ledger rows are written
// only by the ledger's own functions (openAccount, grant, reserve → settle); rows are then moved to
// March 2026 with the usage tests' `stamp` (amounts untouched, verifyLedger stays clean). The
// subscription rows are inserted directly: they are what the Stripe sync would have stored.
// Every expected figure below is computed by hand in the comments.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { grant, openAccount, reserve } from "../tokens/ledger";
import { getActivePricing } from "../tokens/pricing-config";
import { charge, stamp, text } from "@/test/usage/seed";
import {
  businessReport,
  formatBasisPoints,
  formatMicroUsd,
  parseRate,
  roundDiv,
  type BusinessReport,
} from "./business";
import { businessCsv } from "./business-csv";
import { saveEdit } from "./pricing";

let t: TestDatabase;
let report: BusinessReport;
const MARCH = "2026-03-10T12:00:00Z";

async function newUser(label: string): Promise<string> {
  const user = await t.db.user.create({ data: { email: `${label}@example.com` } });
  await openAccount(t.db, {
    userId: user.id,
    now: new Date("2026-01-15T00:00:00Z"),
    freeTierMillitokens: 100_000n,
    pricingVersion: 1,
  });
  return user.id;
}

async function subscribe(
  userId: string,
  planId: string,
  status: "active" | "past_due" | "canceled",
  extra: { cancelAtPeriodEnd?: boolean; canceledAt?: string } = {},
) {
  await t.db.userSubscription.create({
    data: {
      userId,
      planId,
      status,
      stripeCustomerId: `cus_${userId}`,
      stripeSubscriptionId: `sub_${userId}`,
      cancelAtPeriodEnd: extra.cancelAtPeriodEnd ?? false,
      canceledAt: extra.canceledAt ? new Date(extra.canceledAt) : null,
    },
  });
}

async function allowance(userId: string, amount: bigint) {
  const r = await grant(t.db, {
    userId,
    bucket: "allowance",
    kind: "grant_allowance",
    amount,
    idempotencyKey: `allowance:${userId}:test`,
  });
  if (!r.ok) throw new Error(r.error.type);
}

async function buyPack(userId: string, packId: string, pricingVersion: number, key: string) {
  const pricing = await getActivePricing(t.db);
  const pack = pricing.packs.find((p) => p.id === packId)!;
  const r = await grant(t.db, {
    userId,
    bucket: "purchased",
    kind: "grant_pack",
    amount: BigInt(pack.tokens) * 1000n,
    idempotencyKey: key,
    sourceType: "stripe_checkout",
    sourceRef: key,
    pricingVersion,
    reason: `${pack.name} pack`,
  });
  if (!r.ok) throw new Error(r.error.type);
  await stamp(t.db, key, new Date(MARCH));
}

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 4 });
  const admin = await t.db.user.create({ data: { email: "admin@example.com", role: "admin" } });

  const a = await newUser("a-pro");
  const b = await newUser("b-pro-cancelling");
  const c = await newUser("c-essential-past-due");
  const d = await newUser("d-free");
  const e = await newUser("e-canceled-feb");
  const f = await newUser("f-canceled-mar");
  await subscribe(a, "pro", "active");
  await subscribe(b, "pro", "active", { cancelAtPeriodEnd: true });
  await subscribe(c, "essential", "past_due");
  await subscribe(e, "elite", "canceled", { canceledAt: "2026-02-10T09:00:00Z" });
  await subscribe(f, "elite", "canceled", { canceledAt: "2026-03-05T09:00:00Z" });
  await allowance(a, 3_000_000n);
  await allowance(b, 3_000_000n);

  // Packs bought under version 1 (Basic 29 €, Starter 19 €).
  await buyPack(c, "basic", 1, "checkout:c-basic");
  await buyPack(d, "starter", 1, "checkout:d-starter-v1");
  // Version 2: Starter 21 €, Pro 20 €. A Starter bought now is priced 21 €.
  const v1 = await getActivePricing(t.db);
  const saved = await saveEdit(
    t.db,
    {
      baseVersion: 1,
      microUsdPerToken: v1.microUsdPerToken,
      freeTierTokens: 100,
      plans: v1.plans.map((p) => ({
        id: p.id,
        name: p.name,
        tokensPerMonth: p.tokensPerMonth,
        priceCents: p.id === "pro" ? 2000 : p.priceCents,
      })),
      packs: v1.packs.map((p) => ({
        id: p.id,
        name: p.name,
        tokens: p.tokens,
        bonusPercent: p.bonusPercent,
        priceCents: p.id === "starter" ? 2100 : p.priceCents,
      })),
      modelPriceOverrides: {},
      note: "Starter 21 €, Pro 20 €",
    },
    admin.id,
  );
  if (!saved.ok) throw new Error(saved.error.message);
  await buyPack(d, "starter", 2, "checkout:d-starter-v2");

  // March's calls. A: 1,234,567 µ$ from its allowance. B: 2,000,001 µ$ from its allowance.
  await charge(t.db, a, {
    at: MARCH,
    feature: "chat",
    cost: 1_234_567n,
    usage: text("gpt-4o-mini", 1_234_567n, 1000, 500),
  });
  await charge(t.db, b, { at: MARCH, feature: "meal", cost: 2_000_001n, usage: text("gpt-4o", 2_000_001n, 1000, 500) });
  // C: 150,000 µ$ — its 100,000 free allowance first, then 50,000 from the pack.
  await charge(t.db, c, { at: MARCH, feature: "recipe", cost: 150_000n, usage: text("gpt-4o", 150_000n, 100, 50) });
  // D: 80,000 from the allowance, then 30,000 = the last 20,000 of allowance + 10,000 of pack.
  await charge(t.db, d, { at: MARCH, feature: "chat", cost: 80_000n, usage: text("gpt-4o-mini", 80_000n, 100, 50) });
  await charge(t.db, d, { at: MARCH, feature: "recipe", cost: 30_000n, usage: text("gpt-4o-mini", 30_000n, 100, 50) });
  // Outside March: not counted.
  await charge(t.db, a, {
    at: "2026-02-27T12:00:00Z",
    feature: "chat",
    cost: 999n,
    usage: text("gpt-4o-mini", 999n, 10, 5),
  });
  await charge(t.db, a, {
    at: "2026-04-01T00:00:00Z",
    feature: "chat",
    cost: 777n,
    usage: text("gpt-4o-mini", 777n, 10, 5),
  });
  // One call in flight.
  const held = await reserve(t.db, {
    userId: d,
    amount: 1_000n,
    feature: "chat",
    requestId: "in-flight",
    ttlMs: 600_000,
  });
  if (!held.ok) throw new Error(held.error.type);

  report = await businessReport(t.db, { month: "2026-03", rate: parseRate("0.9234") });
});

afterAll(async () => {
  await t?.drop();
});

describe("businessReport on seeded data (March 2026, 0.9234 € per $)", () => {
  it("MRR and active subscriptions by plan, at the active version's prices", () => {
    // pro: 2 × 2000 = 4000; essential (past due, still billed): 1 × 900; canceled elite: 0.
    const plan = (id: string) => report.plans.find((p) => p.planId === id)!;
    expect(plan("pro")).toMatchObject({
      activeSubscriptions: 2,
      pastDue: 0,
      pendingCancel: 1,
      priceCents: 2000,
      mrrCents: 4000n,
    });
    expect(plan("essential")).toMatchObject({ activeSubscriptions: 1, pastDue: 1, pendingCancel: 0, mrrCents: 900n });
    expect(plan("elite")).toMatchObject({ activeSubscriptions: 0, mrrCents: 0n });
    expect(report.mrrCents).toBe(4900n);
    expect(report.activeSubscriptions).toBe(3);
    expect(report.pendingCancellations).toBe(1);
    expect(report.pricingVersion).toBe(2);
  });

  it("cancellations per month for the last 12 months", () => {
    expect(report.churn).toHaveLength(12);
    expect(report.churn[0]).toEqual({ month: "2025-04", canceled: 0 });
    expect(report.churn.filter((c) => c.canceled > 0)).toEqual([
      { month: "2026-02", canceled: 1 },
      { month: "2026-03", canceled: 1 },
    ]);
  });

  it("pack revenue at the price of each row's pricing version", () => {
    // starter: 1900 (v1) + 2100 (v2) = 4000; basic: 2900 (v1). Total 6900.
    expect(report.packs).toEqual([
      { packId: "starter", name: "Starter", sold: 2, revenueCents: 4000n },
      { packId: "basic", name: "Basic", sold: 1, revenueCents: 2900n },
    ]);
    expect(report.packRevenueCents).toBe(6900n);
  });

  it("consumption by feature and by model, the month's consume rows only", () => {
    expect(report.byFeature).toEqual([
      { key: "meal", calls: 1, costMicroUsd: 2_000_001n },
      { key: "chat", calls: 2, costMicroUsd: 1_314_567n },
      { key: "recipe", calls: 2, costMicroUsd: 180_000n },
    ]);
    expect(report.byModel).toEqual([
      { key: "gpt-4o", calls: 2, costMicroUsd: 2_150_001n },
      { key: "gpt-4o-mini", calls: 3, costMicroUsd: 1_344_567n },
    ]);
    expect(report.providerCostMicroUsd).toBe(3_494_568n);
  });

  it("gross margin per plan, packs and free tier, exactly", () => {
    const m = (segment: string) => report.margins.find((r) => r.segment === segment)!;
    // One unit = 1/(10⁴ × 10⁴) cent = 10⁻⁸ cent (rate 9234/10⁴; 1 cent = 10⁴ µ€).
    // pro: cost 1,234,567 + 2,000,001 = 3,234,568 µ$ × 9234 = 29,868,000,912 units = 298.68 c → 299.
    //      revenue 4000 c = 400,000,000,000 units; margin 370,131,999,088 units = 3701.32 c → 3701;
    //      margin 92.5329…% → 9253 bp.
    expect(m("pro")).toMatchObject({
      revenueCents: 4000n,
      costMicroUsd: 3_234_568n,
      costCents: 299n,
      margin: { units: 370_131_999_088n, per: 100_000_000n },
      marginCents: 3701n,
      marginBasisPoints: 9253n,
    });
    // essential: cost 100,000 µ$ (C's allowance part) = 923,400,000 units = 9.234 c → 9;
    //            margin 90,000,000,000 − 923,400,000 = 89,076,600,000 = 890.766 c → 891; 98.974% → 9897 bp.
    expect(m("essential")).toMatchObject({
      revenueCents: 900n,
      costMicroUsd: 100_000n,
      costCents: 9n,
      marginCents: 891n,
      marginBasisPoints: 9897n,
    });
    // packs: cost 50,000 (C) + 10,000 (D) = 60,000 µ$ = 554,040,000 units = 5.5404 c → 6;
    //        margin 690,000,000,000 − 554,040,000 = 689,445,960,000 = 6894.4596 c → 6894; 99.9197% → 9992 bp.
    expect(m("packs")).toMatchObject({
      revenueCents: 6900n,
      costMicroUsd: 60_000n,
      costCents: 6n,
      marginCents: 6894n,
      marginBasisPoints: 9992n,
    });
    // free: D's 80,000 + 20,000 allowance = 100,000 µ$; no revenue: margin −9.234 c → −9, no percentage.
    expect(m("free")).toMatchObject({
      revenueCents: 0n,
      costMicroUsd: 100_000n,
      costCents: 9n,
      marginCents: -9n,
      marginBasisPoints: null,
    });
    expect(m("elite")).toMatchObject({ revenueCents: 0n, costMicroUsd: 0n, marginCents: 0n, marginBasisPoints: null });
    // total: revenue 4900 + 6900 = 11,800 c; cost 3,494,568 µ$ × 9234 = 32,268,840,912 units = 322.69 c → 323;
    //        margin 1,180,000,000,000 − 32,268,840,912 = 1,147,731,159,088 = 11,477.31 c → 11477; 97.265…% → 9727 bp.
    expect(report.total).toMatchObject({
      revenueCents: 11_800n,
      costMicroUsd: 3_494_568n,
      costCents: 323n,
      marginCents: 11_477n,
      marginBasisPoints: 9727n,
    });
    // The segments split the provider cost exactly.
    expect(report.margins.reduce((s, r) => s + r.costMicroUsd, 0n)).toBe(report.providerCostMicroUsd);
  });

  it("top users by cost, the ledger check and the reservations in flight", () => {
    expect(report.topUsers.map((u) => [u.email, u.calls, u.costMicroUsd])).toEqual([
      ["b-pro-cancelling@example.com", 1, 2_000_001n],
      ["a-pro@example.com", 1, 1_234_567n],
      ["c-essential-past-due@example.com", 1, 150_000n],
      ["d-free@example.com", 2, 110_000n],
    ]);
    expect(report.ledger).toEqual({ usersChecked: 6, mismatches: [] });
    expect(report.reservationsHeld).toBe(1);
  });

  it("the CSV carries the same figures", () => {
    const csv = businessCsv(report);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("section,item,metric,value");
    expect(lines).toContain("subscriptions,all,mrr_cents,4900");
    expect(lines).toContain("packs,all,revenue_cents,6900");
    expect(lines).toContain("margin,pro,gross_margin_eur_cents,3701");
    expect(lines).toContain("margin,free,gross_margin_basis_points,");
    expect(lines).toContain("margin,total,provider_cost_micro_usd,3494568");
    expect(lines).toContain("churn,2026-02,canceled,1");
    expect(lines).toContain("reservations,all,held,1");
    expect(lines).toContain("report,2026-03,eur_per_usd,0.9234");
  });
});

describe("rates and rounding", () => {
  it("parses decimal rates exactly and refuses the rest", () => {
    expect(parseRate("0.92")).toEqual({ text: "0.92", numerator: 92n, denominator: 100n });
    expect(parseRate("1")).toEqual({ text: "1", numerator: 1n, denominator: 1n });
    for (const bad of ["0", "0.000", "-1", "1e3", "abc", "0.1234567", ""]) expect(() => parseRate(bad)).toThrow();
  });

  it("rounds half away from zero", () => {
    expect([roundDiv(5n, 10n), roundDiv(4n, 10n), roundDiv(-5n, 10n), roundDiv(-4n, 10n), roundDiv(15n, 10n)]).toEqual([
      1n,
      0n,
      -1n,
      0n,
      2n,
    ]);
  });

  it("formats for display only at the end", () => {
    expect([
      formatMicroUsd(3_494_568n),
      formatMicroUsd(3_494_568n, 4),
      formatMicroUsd(-5_000n),
      formatMicroUsd(1_234_567_890n),
    ]).toEqual(["$3.49", "$3.4946", "-$0.01", "$1,234.57"]);
    expect([formatBasisPoints(9253n), formatBasisPoints(-5n), formatBasisPoints(null)]).toEqual([
      "92.53%",
      "-0.05%",
      "—",
    ]);
  });
});
