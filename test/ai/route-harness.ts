// Test harness for the metered AI routes (integration tests only): a private database, the loopback
// OpenAI simulator, the app's environment pointed at both, and signed-in users with exact balances.
// The session lookup is the only thing a test replaces (vi.mock of lib/auth/session, which reads
// `harnessSession.userId`); the route modules, the SDK, the cost engine and Postgres are the real ones.
import { createTestDatabase, type TestDatabase } from "../support/database";
import { SIMULATOR_API_KEY } from "../../lib/env";
import { grant, openAccount } from "../../lib/tokens/ledger";
import { startOpenAISimulator, type OpenAISimulator, type OpenAISimulatorOptions } from "../../dev/openai-simulator";

export interface RouteHarness {
  t: TestDatabase;
  simulator: OpenAISimulator;
  /** A signed-in user with the 100-token free tier plus `purchased` millitokens. */
  signIn(purchased?: bigint): Promise<string>;
  /** The user's consume rows, oldest first. */
  consumeRows(userId: string): ReturnType<TestDatabase["db"]["tokenTransaction"]["findMany"]>;
  close(): Promise<void>;
}

export const FREE_TIER = 100_000n;

let users = 0;

export async function startRouteHarness(
  session: { userId: string | null },
  label: string,
  simulatorOptions: Omit<OpenAISimulatorOptions, "port"> = {},
): Promise<RouteHarness> {
  const t = await createTestDatabase();
  const simulator = await startOpenAISimulator({ ...simulatorOptions, port: 0 });
  Object.assign(process.env, {
    DATABASE_URL: t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    OPENAI_API_KEY: SIMULATOR_API_KEY,
    OPENAI_BASE_URL: simulator.url,
    METER_RATE_LIMIT_PER_MINUTE: "0",
  });
  return {
    t,
    simulator,
    async signIn(purchased = 0n) {
      const id = await t.db.$transaction(async (tx) => {
        const user = await tx.user.create({ data: { email: `${label}-${++users}-${Date.now()}@example.com` } });
        await openAccount(tx, { userId: user.id, now: new Date(), freeTierMillitokens: FREE_TIER, pricingVersion: 1 });
        return user.id;
      });
      if (purchased)
        await grant(t.db, {
          userId: id,
          bucket: "purchased",
          kind: "grant_pack",
          amount: purchased,
          idempotencyKey: `pack:${id}`,
        });
      session.userId = id;
      return id;
    },
    consumeRows: (userId) =>
      t.db.tokenTransaction.findMany({ where: { userId, kind: "consume" }, orderBy: { id: "asc" } }),
    async close() {
      await simulator.close();
      await t.drop();
    },
  };
}

/** Makes `userId`'s available balance exactly `available` millitokens (the rest held by another call). */
export async function leaveAvailable(t: TestDatabase, userId: string, available: bigint): Promise<void> {
  let balance = await t.db.userTokenBalance.findUniqueOrThrow({ where: { userId } });
  const missing = available - (balance.allowance + balance.purchased - balance.reserved);
  if (missing > 0n) {
    await grant(t.db, {
      userId,
      bucket: "purchased",
      kind: "grant_pack",
      amount: missing,
      idempotencyKey: `top-up:${userId}`,
    });
    balance = await t.db.userTokenBalance.findUniqueOrThrow({ where: { userId } });
  }
  const hold = balance.allowance + balance.purchased - balance.reserved - available;
  if (hold === 0n) return;
  await t.db.$executeRaw`UPDATE user_token_balance SET reserved = reserved + ${hold} WHERE user_id = ${userId}`;
  await t.db.tokenReservation.create({
    data: {
      userId,
      amount: hold,
      feature: "other",
      requestId: `hold-${userId}`,
      expiresAt: new Date(Date.now() + 600_000),
    },
  });
}
