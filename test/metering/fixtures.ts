// Fixtures of the metering wrapper's integration tests: a deterministic cost engine (1 µ$ per input
// token, 10 µ$ per output token, words as tokens) so every figure can be checked by hand, the reader
// of the fake provider chunks the tests stream, and users with an exact balance.
import type { Db } from "../../lib/db/client";
import { adjust, grant, openAccount } from "../../lib/tokens/ledger";
import type { CostEngine } from "../../lib/tokens/metering/meter";
import type { ChunkReader } from "../../lib/tokens/metering/types";

export type WordUsage = { inputTokens: number; outputTokens: number };

export const wordCostEngine: CostEngine<WordUsage> = {
  costOf: (model, usage) => {
    if (model !== "test-model") throw new Error(`unknown model ${model}`);
    return BigInt(usage.inputTokens) + 10n * BigInt(usage.outputTokens);
  },
  countTokens: (_model, text) => text.split(" ").filter(Boolean).length,
  textUsage: ({ inputTokens, outputTokens }) => ({ inputTokens, outputTokens }),
  breakdown: (model, usage, cost) => ({
    model,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costMicroUsd: Number(cost),
  }),
};

/** The fake provider's chunks (a text delta per chunk, then a usage chunk) and their reader: the app passes its provider's. */
export type FakeChunk = {
  model?: string;
  choices?: { delta?: { content?: string } }[];
  usage?: { prompt_tokens: number; completion_tokens: number };
};
export const fakeChunkReader: ChunkReader<FakeChunk> = {
  text: (chunk) => chunk.choices?.map((choice) => choice.delta?.content ?? "").join("") ?? "",
  usage: (chunk) =>
    chunk.usage && { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens },
  model: (chunk) => chunk.model,
};

let users = 0;

/** A new user whose balance is exactly `millitokens` (all purchased; the free allowance is taken back). */
export async function userWithBalance(db: Db, millitokens: bigint, emailPrefix = "meter"): Promise<string> {
  const id = await db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email: `${emailPrefix}-${process.pid}-${++users}-${Date.now()}@example.com` },
    });
    await openAccount(tx, { userId: user.id, now: new Date(), freeTierMillitokens: 1n, pricingVersion: 1 });
    // Take the 1-millitoken free allowance back, so the balance is exactly what the test says.
    await adjust(tx, {
      userId: user.id,
      amount: -1n,
      reason: "test set-up",
      actorId: "test",
      idempotencyKey: `setup:${user.id}`,
    });
    return user.id;
  });
  if (millitokens > 0n)
    await grant(db, {
      userId: id,
      bucket: "purchased",
      kind: "grant_pack",
      amount: millitokens,
      idempotencyKey: `pack:${id}`,
    });
  return id;
}

/** What a user can spend, and what is held. */
export async function balanceOf(db: Db, userId: string): Promise<{ available: bigint; reserved: bigint }> {
  const row = await db.userTokenBalance.findUniqueOrThrow({ where: { userId } });
  return { available: row.allowance + row.purchased - row.reserved, reserved: row.reserved };
}
