import { describe, expect, it } from "vitest";
import { LedgerUsageError } from "./errors";
import { grant } from "./grant";
import { allowanceGrant, pack, ledgerTestDatabase } from "@/test/ledger/helpers";
import { verifyLedger } from "./verify";

const f = ledgerTestDatabase({ poolMax: 25 });

describe("grant", () => {
  it("adds exactly the amount to one bucket and records the new balance on its ledger row", async () => {
    const userId = await f.newAccount();
    const result = await grant(f.t.db, pack(userId, `checkout:cs_exact_${userId}`, 3_200_001n));
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
        shortfall: 0n,
        sourceType: "stripe_checkout",
        sourceRef: `checkout:cs_exact_${userId}`,
        feature: null,
        pricingVersion: 1,
        usage: null,
        costMicroUsd: null,
        actorId: null,
        reason: null,
        idempotencyKey: `checkout:cs_exact_${userId}`,
        createdAt: expect.any(Date),
      },
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 3_200_001n, reserved: 0n });

    const allowance = await grant(f.t.db, allowanceGrant(userId, `invoice:in_exact_${userId}`, 1_000_000n));
    expect(allowance.ok && allowance.row).toMatchObject({
      kind: "grant_allowance",
      allowanceDelta: 1_000_000n,
      purchasedDelta: 0n,
      allowanceAfter: 1_100_000n,
      purchasedAfter: 3_200_001n,
    });
    expect(await f.buckets(userId)).toEqual({ allowance: 1_100_000n, purchased: 3_200_001n, reserved: 0n });
    expect(await f.ledgerSums(userId)).toEqual({ allowance: 1_100_000n, purchased: 3_200_001n, rows: 4 });
  });

  it("adds one millitoken exactly", async () => {
    const userId = await f.newAccount();
    await grant(f.t.db, pack(userId, `checkout:one_${userId}`, 1n));
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 1n, reserved: 0n });
  });

  it("stores where the grant came from", async () => {
    const userId = await f.newAccount();
    const admin = await f.t.db.user.create({ data: { email: `grant-admin-${userId}@example.com`, role: "admin" } });
    const key = `adjustment:goodwill-${userId}`;
    await grant(f.t.db, {
      userId,
      bucket: "purchased",
      kind: "adjustment",
      amount: 500n,
      idempotencyKey: key,
      sourceType: "admin",
      sourceRef: "ticket-42",
      reason: "goodwill",
      actorId: admin.id,
      pricingVersion: 1,
    });
    const [row] = await f.t.sql(
      `SELECT kind::text, source_type, source_ref, reason, actor_id, pricing_version FROM token_transactions WHERE idempotency_key = $1`,
      [key],
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

  it.each([
    ["grant_pack", "purchased"],
    ["refund", "purchased"],
    ["grant_allowance", "allowance"],
    ["grant_free", "allowance"],
  ] as const)("records kind %s into the %s bucket", async (kind, bucket) => {
    const userId = await f.newAccount();
    const r = await grant(f.t.db, { userId, bucket, kind, amount: 7_000n, idempotencyKey: `${kind}:${userId}` });
    expect(r.ok && r.row.kind).toBe(kind);
    expect(await f.buckets(userId)).toEqual(
      bucket === "allowance"
        ? { allowance: 107_000n, purchased: 0n, reserved: 0n }
        : { allowance: 100_000n, purchased: 7_000n, reserved: 0n },
    );
  });

  it("returns the first result for a retry with the same key, and changes nothing", async () => {
    const userId = await f.newAccount();
    const key = `checkout:cs_retry_${userId}`;
    const first = await grant(f.t.db, pack(userId, key));
    const retry = await grant(f.t.db, pack(userId, key));
    // A retry with a different amount or bucket is still the same grant.
    const changed = await grant(f.t.db, pack(userId, key, 9_999_000n));
    const otherBucket = await grant(f.t.db, allowanceGrant(userId, key, 5n));
    expect(first.ok && first.duplicate).toBe(false);
    expect(retry).toEqual({ ok: true, duplicate: true, row: first.ok && first.row });
    expect(changed).toEqual({ ok: true, duplicate: true, row: first.ok && first.row });
    expect(otherBucket).toEqual({ ok: true, duplicate: true, row: first.ok && first.row });
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, reserved: 0n });
    expect(await f.ledgerSums(userId)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, rows: 3 });
  });

  it("has exactly one effect when the same key is fired 50 times at once", async () => {
    const userId = await f.newAccount();
    const key = `checkout:cs_storm_${userId}`;
    const results = await Promise.all(Array.from({ length: 50 }, () => grant(f.t.db, pack(userId, key))));
    const fresh = results.filter((r) => r.ok && !r.duplicate);
    const duplicates = results.filter((r) => r.ok && r.duplicate);
    expect(fresh).toHaveLength(1);
    expect(duplicates).toHaveLength(49);
    const theRow = fresh[0]!.ok && fresh[0]!.row;
    for (const d of duplicates) expect(d.ok && d.row).toEqual(theRow);
    expect(await f.countKey(key)).toBe(1);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, reserved: 0n });
    expect(await f.ledgerSums(userId)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, rows: 3 });
  });

  it("adds up exactly when 50 different grants arrive at once", async () => {
    const userId = await f.newAccount();
    const amounts = Array.from({ length: 50 }, (_, i) => BigInt(i + 1) * 1_001n); // 1,001 … 50,050
    const results = await Promise.all(
      amounts.map((amount, i) => grant(f.t.db, pack(userId, `checkout:cs_many_${userId}_${i}`, amount))),
    );
    expect(results.every((r) => r.ok && !r.duplicate)).toBe(true);
    expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 1_276_275n, reserved: 0n });
    expect(await f.ledgerSums(userId)).toEqual({ allowance: 100_000n, purchased: 1_276_275n, rows: 52 });

    // The grants were serialised: in commit order, each row's after-value is the previous one
    // plus its own amount, and the last one is the balance.
    const rows = await f.t.sql<{ delta: string; after: string }>(
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
    expect((await verifyLedger(f.t.db, { userIds: [userId] })).mismatches).toEqual([]);
  });

  it("reports AccountNotFound for a user without a token account, and writes nothing", async () => {
    const before = await f.rowCount();
    expect(await grant(f.t.db, pack("no-such-user", "checkout:cs_nobody"))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: "no-such-user" },
    });
    const withoutAccount = await f.newUser();
    expect(await grant(f.t.db, pack(withoutAccount, `checkout:cs_noaccount_${withoutAccount}`))).toEqual({
      ok: false,
      error: { type: "AccountNotFound", userId: withoutAccount },
    });
    expect(await f.rowCount()).toBe(before);
  });

  it("reports IdempotencyKeyReused when another user's key comes back, and leaves both balances alone", async () => {
    const owner = await f.newAccount();
    const other = await f.newAccount();
    const key = `checkout:cs_shared_${owner}`;
    await grant(f.t.db, pack(owner, key));
    expect(await grant(f.t.db, pack(other, key))).toEqual({
      ok: false,
      error: { type: "IdempotencyKeyReused", key, ownerUserId: owner },
    });
    expect(await f.buckets(owner)).toEqual({ allowance: 100_000n, purchased: 2_000_000n, reserved: 0n });
    expect(await f.buckets(other)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
    expect((await f.ledgerSums(other)).rows).toBe(2);
  });

  it.each([[0n], [-1n], [-2_000_000n]])(
    "refuses an amount of %s millitokens (LedgerUsageError) and writes nothing",
    async (amount) => {
      const userId = await f.newAccount();
      const attempt = grant(f.t.db, pack(userId, `checkout:cs_bad_${amount}_${userId}`, amount));
      await expect(attempt).rejects.toBeInstanceOf(LedgerUsageError);
      await expect(attempt).rejects.toThrow(`grant amount must be > 0 millitokens, got ${amount}`);
      expect(await f.buckets(userId)).toEqual({ allowance: 100_000n, purchased: 0n, reserved: 0n });
      expect(await f.rowCount(userId)).toBe(2);
    },
  );

  it("refuses a number instead of a bigint, and an empty or over-long key", async () => {
    const userId = await f.newAccount();
    await expect(grant(f.t.db, { ...pack(userId, "k"), amount: 5 as unknown as bigint })).rejects.toBeInstanceOf(
      LedgerUsageError,
    );
    await expect(grant(f.t.db, pack(userId, ""))).rejects.toBeInstanceOf(LedgerUsageError);
    await expect(grant(f.t.db, pack(userId, "k".repeat(201)))).rejects.toBeInstanceOf(LedgerUsageError);
    expect(await f.rowCount(userId)).toBe(2);
  });
});
