// Shared set-up for the ledger's integration tests (not a test file itself): a private database
// per test file, users with opened token accounts, and exact reads of balances and ledger rows.
import { afterAll, beforeAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { openAccount } from "../../lib/tokens/ledger/account";
import type { GrantInput } from "../../lib/tokens/ledger/grant";
import type { ReserveInput } from "../../lib/tokens/ledger/apply";
import { reserve } from "../../lib/tokens/ledger/reservations";

/** Sign-up moment of every test account: the first period is 2026-01-31 → 2026-02-28 (clamped). */
export const SIGNUP = new Date("2026-01-31T08:00:00.000Z");
export const FREE_TIER = 100_000n;
/** 1 token = 1000 millitokens. */
export const TOKEN = 1_000n;

export interface Buckets {
  allowance: bigint;
  purchased: bigint;
  reserved: bigint;
}

export interface LedgerFixture {
  readonly t: TestDatabase;
  /** A user with an opened account: allowance 100_000n, purchased 0n, reserved 0n. */
  newAccount(opts?: { now?: Date; free?: bigint }): Promise<string>;
  /** A user without a token account. */
  newUser(): Promise<string>;
  buckets(userId: string): Promise<Buckets>;
  ledgerSums(userId: string): Promise<{ allowance: bigint; purchased: bigint; rows: number }>;
  /** How many ledger rows carry this idempotency key (0 or 1). */
  countKey(key: string): Promise<number>;
  rowCount(userId?: string): Promise<number>;
  reservationStatus(id: string): Promise<string | undefined>;
}

let emailSeq = 0;

/** Registers beforeAll/afterAll that create and drop this file's database. */
export function ledgerTestDatabase({ poolMax = 20 }: { poolMax?: number } = {}): LedgerFixture {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase({ poolMax });
  });
  afterAll(async () => {
    await db?.drop();
  });
  const t = () => {
    if (!db) throw new Error("the test database is not ready (use it inside tests)");
    return db;
  };

  const newUser = async () => {
    const user = await t().db.user.create({
      data: { email: `ledger-${process.pid}-${++emailSeq}-${Math.random().toString(36).slice(2)}@example.com` },
    });
    return user.id;
  };

  return {
    get t() {
      return t();
    },
    newUser,
    async newAccount({ now = SIGNUP, free = FREE_TIER } = {}) {
      return t().db.$transaction(async (tx) => {
        const user = await tx.user.create({
          data: { email: `ledger-${process.pid}-${++emailSeq}-${Math.random().toString(36).slice(2)}@example.com` },
        });
        await openAccount(tx, { userId: user.id, now, freeTierMillitokens: free, pricingVersion: 1 });
        return user.id;
      });
    },
    async buckets(userId) {
      const [row] = await t().sql<{ allowance: string; purchased: string; reserved: string }>(
        "SELECT allowance::text, purchased::text, reserved::text FROM user_token_balance WHERE user_id = $1",
        [userId],
      );
      if (!row) throw new Error(`no balance for ${userId}`);
      return { allowance: BigInt(row.allowance), purchased: BigInt(row.purchased), reserved: BigInt(row.reserved) };
    },
    async ledgerSums(userId) {
      const [row] = await t().sql<{ allowance: string; purchased: string; rows: number }>(
        `SELECT coalesce(sum(allowance_delta), 0)::text AS allowance, coalesce(sum(purchased_delta), 0)::text AS purchased,
                count(*)::int AS rows
         FROM token_transactions WHERE user_id = $1`,
        [userId],
      );
      return { allowance: BigInt(row!.allowance), purchased: BigInt(row!.purchased), rows: row!.rows };
    },
    async countKey(key) {
      const [row] = await t().sql<{ n: number }>(
        "SELECT count(*)::int AS n FROM token_transactions WHERE idempotency_key = $1",
        [key],
      );
      return row!.n;
    },
    async rowCount(userId) {
      const [row] = userId
        ? await t().sql<{ n: number }>("SELECT count(*)::int AS n FROM token_transactions WHERE user_id = $1", [userId])
        : await t().sql<{ n: number }>("SELECT count(*)::int AS n FROM token_transactions");
      return row!.n;
    },
    async reservationStatus(id) {
      const [row] = await t().sql<{ status: string }>(
        "SELECT status::text FROM token_reservations WHERE id = $1::uuid",
        [id],
      );
      return row?.status;
    },
  };
}

/** A pack grant (purchased bucket). */
export const pack = (userId: string, key: string, amount = 2_000_000n): GrantInput => ({
  userId,
  bucket: "purchased",
  kind: "grant_pack",
  amount,
  idempotencyKey: key,
  sourceType: "stripe_checkout",
  sourceRef: key,
  pricingVersion: 1,
});

/** A one-off allowance grant. */
export const allowanceGrant = (userId: string, key: string, amount: bigint): GrantInput => ({
  userId,
  bucket: "allowance",
  kind: "grant_allowance",
  amount,
  idempotencyKey: key,
});

let requestSeq = 0;
export const nextRequestId = (prefix = "req") =>
  `${prefix}-${process.pid}-${++requestSeq}-${Math.random().toString(36).slice(2, 8)}`;

export const reserveInput = (userId: string, amount: bigint, extra: Partial<ReserveInput> = {}): ReserveInput => ({
  userId,
  amount,
  feature: "chat",
  requestId: nextRequestId(),
  ttlMs: 60_000,
  pricingVersion: 1,
  ...extra,
});

/** Reserves and returns the reservation id, failing the test when the hold is refused. */
export async function holdOrThrow(db: Parameters<typeof reserve>[0], input: ReserveInput): Promise<string> {
  const r = await reserve(db, input);
  if (!r.ok)
    throw new Error(`reserve refused: ${JSON.stringify(r.error, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`);
  return r.reservation.id;
}
