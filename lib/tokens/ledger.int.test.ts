import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../scripts/test/database";
import { allowanceKey, balance, grant, openAccount, type GrantInput } from "./ledger";

let t: TestDatabase;
let users = 0;

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 25 });
});

afterAll(async () => {
  await t?.drop();
});

const SIGNUP = new Date("2026-01-31T08:00:00.000Z");

/** A user with an opened token account (100 free tokens as allowance). */
async function newAccount(): Promise<string> {
  return t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: `ledger-${++users}@example.com` } });
    await openAccount(tx, { userId: user.id, now: SIGNUP, freeTierMillitokens: 100_000n, pricingVersion: 1 });
    return user.id;
  });
}

async function buckets(userId: string) {
  const [row] = await t.sql<{ allowance: string; purchased: string; reserved: string }>(
    "SELECT allowance::text, purchased::text, reserved::text FROM user_token_balance WHERE user_id = $1",
    [userId],
  );
  return row && { allowance: BigInt(row.allowance), purchased: BigInt(row.purchased), reserved: BigInt(row.reserved) };
}

/** The sums of the user's ledger rows, bucket by bucket, and how many rows there are. */
async function ledgerSums(userId: string) {
  const [row] = await t.sql<{ allowance: string; purchased: string; rows: number }>(
    `SELECT coalesce(sum(allowance_delta), 0)::text AS allowance, coalesce(sum(purchased_delta), 0)::text AS purchased,
            count(*)::int AS rows
     FROM token_transactions WHERE user_id = $1`,
    [userId],
  );
  return { allowance: BigInt(row!.allowance), purchased: BigInt(row!.purchased), rows: row!.rows };
}

const pack = (userId: string, key: string, amount = 2_000_000n): GrantInput => ({
  userId,
  bucket: "purchased",
  kind: "grant_pack",
  amount,
  idempotencyKey: key,
  sourceType: "stripe_checkout",
  sourceRef: key,
  pricingVersion: 1,
});

describe("openAccount and balance", () => {
  it("opens the balance with the free tier as the first period's allowance, with its ledger row", async () => {
    const userId = await newAccount();
    expect(await balance(t.db, userId)).toEqual({
      allowance: 100_000n,
      purchased: 0n,
      reserved: 0n,
      available: 100_000n,
      periodStart: new Date("2026-01-31T08:00:00.000Z"),
      nextResetAt: new Date("2026-02-28T08:00:00.000Z"),
    });
    const rows = await t.sql(
      `SELECT kind::text, allowance_delta::text, purchased_delta::text, allowance_after::text, purchased_after::text,
              source_type, pricing_version, idempotency_key
       FROM token_transactions WHERE user_id = $1`,
      [userId],
    );
    expect(rows).toEqual([
      {
        kind: "grant_free",
        allowance_delta: "100000",
        purchased_delta: "0",
        allowance_after: "100000",
        purchased_after: "0",
        source_type: "signup",
        pricing_version: 1,
        idempotency_key: `allowance:${userId}:2026-01-31T08:00:00.000Z`,
      },
    ]);
    expect(allowanceKey(userId, SIGNUP)).toBe(`allowance:${userId}:2026-01-31T08:00:00.000Z`);
  });

  it("refuses a free tier of zero tokens", async () => {
    const user = await t.db.user.create({ data: { email: "zero-free-tier@example.com" } });
    await expect(
      t.db.$transaction((tx) => openAccount(tx, { userId: user.id, now: SIGNUP, freeTierMillitokens: 0n, pricingVersion: 1 })),
    ).rejects.toThrow(new RangeError("the free tier must grant more than 0 tokens"));
    // The transaction took the balance row back with it.
    expect(await balance(t.db, user.id)).toBeNull();
  });

  it("counts reserved tokens as unavailable", async () => {
    const userId = await newAccount();
    await grant(t.db, pack(userId, `checkout:reserved-${userId}`, 5_000n));
    await t.sql("UPDATE user_token_balance SET reserved = 30000 WHERE user_id = $1", [userId]);
    const b = await balance(t.db, userId);
    expect([b?.allowance, b?.purchased, b?.reserved, b?.available]).toEqual([100_000n, 5_000n, 30_000n, 75_000n]);
  });

  it("is null for a user without a token account", async () => {
    expect(await balance(t.db, "no-such-user")).toBeNull();
  });
});

describe("grant", () => {
  it("adds exactly the amount to one bucket and records the new balance on its ledger row", async () => {
    const userId = await newAccount();
    const result = await grant(t.db, pack(userId, "checkout:cs_exact", 3_200_001n));
    expect(result).toEqual({
      ok: true,
      duplicate: false,
      row: {
        id: expect.any(BigInt),
        userId,
        kind: "grant_pack",
        allowanceDelta: 0n,
        purchasedDelta: 3_200_001n,
        allowanceAfter: 100_000n,
        purchasedAfter: 3_200_001n,
        idempotencyKey: "checkout:cs_exact",
      },
    });
    expect(await buckets(userId)).toEqual({ allowance: 100_000n, purchased: 3_200_001n, reserved: 0n });

    const allowance = await grant(t.db, {
      userId,
      bucket: "allowance",
      kind: "grant_allowance",
      amount: 1_000_000n,
      idempotencyKey: "invoice:in_exact",
    });
    expect(allowance.ok && allowance.row).toMatchObject({
      allowanceDelta: 1_000_000n,
      purchasedDelta: 0n,
      allowanceAfter: 1_100_000n,
      purchasedAfter: 3_200_001n,
    });
    expect(await buckets(userId)).toEqual({ allowance: 1_100_000n, purchased: 3_200_001n, reserved: 0n });
    expect(await ledgerSums(userId)).toEqual({ allowance: 1_100_000n, purchased: 3_200_001n, rows: 3 });
  });

  it("stores where the grant came from", async () => {
    const userId = await newAccount();
    const admin = await t.db.user.create({ data: { email: "ledger-admin@example.com", role: "admin" } });
    await grant(t.db, {
      userId,
      bucket: "purchased",
      kind: "adjustment",
      amount: 500n,
      idempotencyKey: "adjustment:goodwill-1",
      sourceType: "admin",
      sourceRef: "ticket-42",
      reason: "goodwill",
      actorId: admin.id,
      pricingVersion: 1,
    });
    const [row] = await t.sql(
      `SELECT kind::text, source_type, source_ref, reason, actor_id, pricing_version
       FROM token_transactions WHERE idempotency_key = 'adjustment:goodwill-1'`,
    );
    expect(row).toEqual({
      kind: "adjustment",
      source_type: "admin",
      source_ref: "ticket-42",
      reason: "goodwill",
      actor_id: admin.id,
      pricing_version: 1,
    });
  });

  it("returns the first result for a retry with the same key, and changes nothing", async () => {
    const userId = await newAccount();
    const first = await grant(t.db, pack(userId, "checkout:cs_retry"));
    const retry = await grant(t.db, pack(userId, "checkout:cs_retry"));
    // A retry with a different amount is still the same grant.
    const changed = await grant(t.db, pack(userId, "checkout:cs_retry", 9_999_000n));
    expect(first.ok && first.duplicate).toBe(false);
    expect(retry).toEqual({ ok: true, duplicate: true, row: first.ok && first.row });
    expect(changed).toEqual({ ok: true, duplicate: true, row: first.ok && first.row });
    expect(await buckets(userId)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, reserved: 0n });
    expect(await ledgerSums(userId)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, rows: 2 });
  });

  it("has exactly one effect when the same key is fired 50 times at once", async () => {
    const userId = await newAccount();
    const results = await Promise.all(Array.from({ length: 50 }, () => grant(t.db, pack(userId, "checkout:cs_storm"))));
    const fresh = results.filter((r) => r.ok && !r.duplicate);
    const duplicates = results.filter((r) => r.ok && r.duplicate);
    expect(fresh).toHaveLength(1);
    expect(duplicates).toHaveLength(49);
    // Every duplicate reports the one row that was written.
    const theRow = fresh[0]!.ok && fresh[0]!.row;
    for (const d of duplicates) expect(d.ok && d.row).toEqual(theRow);
    expect(await buckets(userId)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, reserved: 0n });
    expect(await ledgerSums(userId)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, rows: 2 });
  });

  it("adds up exactly when 50 different grants arrive at once", async () => {
    const userId = await newAccount();
    const amounts = Array.from({ length: 50 }, (_, i) => BigInt(i + 1) * 1_001n); // 1,001 … 50,050
    const results = await Promise.all(amounts.map((amount, i) => grant(t.db, pack(userId, `checkout:cs_many_${i}`, amount))));
    expect(results.every((r) => r.ok && !r.duplicate)).toBe(true);
    const total = 1_001n * ((50n * 51n) / 2n); // 1,276,275
    expect(total).toBe(1_276_275n);
    expect(await buckets(userId)).toEqual({ allowance: 100_000n, purchased: 1_276_275n, reserved: 0n });
    expect(await ledgerSums(userId)).toEqual({ allowance: 100_000n, purchased: 1_276_275n, rows: 51 });

    // The grants were serialised: in commit order, each row's after-value is the previous one
    // plus its own amount, and the last one is the balance.
    const rows = await t.sql<{ delta: string; after: string }>(
      `SELECT purchased_delta::text AS delta, purchased_after::text AS after FROM token_transactions
       WHERE user_id = $1 AND kind = 'grant_pack' ORDER BY purchased_after`,
      [userId],
    );
    let running = 0n;
    for (const row of rows) {
      running += BigInt(row.delta);
      expect(BigInt(row.after)).toBe(running);
    }
    expect(running).toBe(1_276_275n);
  });

  it("reports AccountNotFound for a user without a token account, and writes nothing", async () => {
    const before = await t.sql<{ n: number }>("SELECT count(*)::int AS n FROM token_transactions");
    expect(await grant(t.db, pack("no-such-user", "checkout:cs_nobody"))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: "no-such-user" },
    });
    expect(await t.sql<{ n: number }>("SELECT count(*)::int AS n FROM token_transactions")).toEqual(before);
  });

  it("reports IdempotencyKeyReused when another user's key comes back, and leaves both balances alone", async () => {
    const owner = await newAccount();
    const other = await newAccount();
    await grant(t.db, pack(owner, "checkout:cs_shared"));
    expect(await grant(t.db, pack(other, "checkout:cs_shared"))).toEqual({
      ok: false,
      error: { type: "IdempotencyKeyReused", key: "checkout:cs_shared", ownerUserId: owner },
    });
    expect(await buckets(owner)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, reserved: 0n });
    expect(await buckets(other)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect((await ledgerSums(other)).rows).toBe(1);
  });

  it.each([[0n], [-1n], [-2_000_000n]])("refuses an amount of %s millitokens", async (amount) => {
    const userId = await newAccount();
    await expect(grant(t.db, pack(userId, `checkout:cs_bad_${amount}`, amount))).rejects.toThrow(
      new RangeError(`grant amount must be > 0 millitokens, got ${amount}`),
    );
    expect(await buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });
});

describe("the database itself", () => {
  it("refuses to change or delete a ledger row (append-only)", async () => {
    const userId = await newAccount();
    for (const statement of [
      "UPDATE token_transactions SET allowance_delta = 999999999 WHERE user_id = $1",
      "DELETE FROM token_transactions WHERE user_id = $1",
    ]) {
      await expect(t.sql(statement, [userId])).rejects.toMatchObject({
        code: "23001", // restrict_violation
        message: "token_transactions is append-only",
      });
    }
    expect(await ledgerSums(userId)).toEqual({ allowance: 100_000n, purchased: 0n, rows: 1 });
  });

  it.each([["allowance"], ["purchased"], ["reserved"]])("refuses a negative %s bucket", async (bucket) => {
    const userId = await newAccount();
    await expect(t.sql(`UPDATE user_token_balance SET ${bucket} = -1 WHERE user_id = $1`, [userId])).rejects.toMatchObject({
      code: "23514", // check_violation
      constraint: `user_token_balance_${bucket}_nonneg`,
    });
    expect(await buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
  });

  it("refuses a negative after-value on a ledger row", async () => {
    const userId = await newAccount();
    await expect(
      t.sql(
        `INSERT INTO token_transactions (user_id, kind, allowance_delta, allowance_after, purchased_after, idempotency_key)
         VALUES ($1, 'consume', -200000, -100000, 0, 'call:negative')`,
        [userId],
      ),
    ).rejects.toMatchObject({ code: "23514", constraint: "token_transactions_allowance_after_nonneg" });
  });
});
