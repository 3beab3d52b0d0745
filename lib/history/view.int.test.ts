// The history page's data over real Postgres: rows in words (plan names from the pricing versions in
// the database), keyset pages that together are the whole history exactly once, filters, ownership.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { grant, openAccount, reserve, settle, startPeriod } from "../tokens/ledger";
import { historyView } from "./view";

let t: TestDatabase;
let alice: string;
let bob: string;

async function newUser(email: string): Promise<string> {
  return t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email } });
    await openAccount(tx, {
      userId: user.id,
      now: new Date("2026-01-01T00:00:00Z"),
      freeTierMillitokens: 100_000n,
      pricingVersion: 1,
    });
    return user.id;
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  alice = await newUser("alice@example.com");
  bob = await newUser("bob@example.com");
  const period = await startPeriod(t.db, {
    userId: alice,
    periodStart: new Date("2026-01-15T00:00:00Z"),
    periodEnd: new Date("2026-02-15T00:00:00Z"),
    allowance: 5_000_000n, // Elite in the seeded pricing
    sourceType: "stripe_invoice",
    pricingVersion: 1,
  });
  if (!period.ok) throw new Error(period.error.type);
  for (let i = 0; i < 3; i++) {
    const packed = await grant(t.db, {
      userId: alice,
      bucket: "purchased",
      kind: "grant_pack",
      amount: 3_200_000n,
      idempotencyKey: `pack:${i}`,
      reason: "Basic pack",
    });
    if (!packed.ok) throw new Error(packed.error.type);
  }
  const held = await reserve(t.db, {
    userId: alice,
    amount: 50_000n,
    feature: "fridge-scan-vision",
    requestId: "r1",
    ttlMs: 60_000,
  });
  if (!held.ok) throw new Error(held.error.type);
  const settled = await settle(t.db, {
    reservationId: held.reservation.id,
    cost: 12_345n,
    usage: { model: "gpt-5-mini", inputTokens: 2345, outputTokens: 678 },
  });
  if (!settled.ok) throw new Error(settled.error.type);
  await grant(t.db, {
    userId: bob,
    bucket: "purchased",
    kind: "grant_pack",
    amount: 2_000_000n,
    idempotencyKey: "bob-pack",
    reason: "Starter pack",
  });
});

afterAll(async () => {
  await t?.drop();
});

describe("historyView", () => {
  it("describes each row in words, newest first, with the balance after it", async () => {
    const view = await historyView(t.db, alice, {});
    expect(view.nextCursor).toBeNull();
    expect(view.entries.map((e) => e.text)).toEqual([
      "Fridge scan · gpt-5-mini · 2,345 in / 678 out · −12.3 tokens",
      "Basic pack · +3,200 tokens",
      "Basic pack · +3,200 tokens",
      "Basic pack · +3,200 tokens",
      "Elite plan allowance · +5,000 tokens",
      "Unused allowance expired · −100 tokens",
      "Monthly free tokens · +100 tokens",
    ]);
    expect(view.entries[0]).toMatchObject({
      kind: "consume",
      kindLabel: "AI usage",
      amountMillitokens: "-12345",
      balanceAfter: "14,587.7",
    });
  });

  it("walks the whole history in pages of 2, each row once, never another user's", async () => {
    const all = (await historyView(t.db, alice, {})).entries.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const view = await historyView(t.db, alice, { cursor }, 2);
      expect(view.entries.length).toBeLessThanOrEqual(2);
      seen.push(...view.entries.map((e) => e.id));
      cursor = view.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(all);
    const bobs = await historyView(t.db, bob, {});
    expect(bobs.entries.some((e) => all.includes(e.id))).toBe(false);
    expect(bobs.entries.map((e) => e.title)).toEqual(["Starter pack", "Monthly free tokens"]);
  });

  it("filters by kind and by feature", async () => {
    expect((await historyView(t.db, alice, { kind: "grant_pack" })).entries).toHaveLength(3);
    expect((await historyView(t.db, alice, { feature: "fridge-scan-vision" })).entries.map((e) => e.title)).toEqual([
      "Fridge scan",
    ]);
    expect((await historyView(t.db, alice, { kind: "consume", feature: "chat" })).entries).toEqual([]);
  });
});
