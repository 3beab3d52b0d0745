// The hold: the worst case of the call, estimated before it is made and reserved in the ledger — or
// a refusal that holds nothing: 402 with what is required and what is available (in tokens), 403 for
// a user without a token account, 400 when the estimate itself refuses the input (BadRequestError).
//
// Before a 402, the user's expired holds (left by a process that died) are swept and the reserve is
// tried once more, so they can never lock the user out. A hold is at least 1 millitoken. Every
// refusal, and an estimate that throws, frees the Idempotency-Key first (`forgetClaim`); an
// unreachable database is thrown to the wrapper (503, nothing held).
import type { Db } from "../../db/client";
import { timeOrderedId } from "../ids";
import { sweepExpiredReservations, type HotLedger, type ReserveResult } from "../ledger";
import { BadRequestError } from "./errors";
import type { CostEngine } from "./meter";
import { apiError } from "../../http/api-error";
import { tokens } from "./respond";
import type { Estimate, MeteringConfig, MeteringLog, PricingContext, WithTokensOptions } from "./types";

/** How long a hold lives before the sweep may return it, when the route does not say. */
export const DEFAULT_HOLD_TTL_MS = 120_000;

export type Held = Extract<ReserveResult, { ok: true }>;

export interface Hold<E> {
  estimate: Estimate;
  pricing: PricingContext;
  engine: E;
  /** Time-ordered, like the reservation id: the request id's unique index (and the ledger key `call:<request id>`) grows at its end. */
  requestId: string;
  held: Held;
}

export async function holdWorstCase<TInput, U, E extends CostEngine<U>>(
  { feature, userId, input }: { feature: string; userId: string; input: TInput },
  {
    db,
    ledger,
    config,
    options,
    log,
  }: {
    db: Db;
    ledger: HotLedger;
    config: Pick<MeteringConfig<U, E>, "pricing" | "upgradeUrl" | "onRefused">;
    options: WithTokensOptions<TInput, U, E>;
    log: MeteringLog;
  },
  forgetClaim: () => Promise<void>,
): Promise<{ response: Response } | { hold: Hold<E> }> {
  const { context: pricing, engine } = await config.pricing();
  let estimate: Estimate;
  try {
    estimate = await options.estimate(input, { userId, pricing, engine });
  } catch (error) {
    await forgetClaim();
    if (error instanceof BadRequestError) return { response: apiError("invalid_request", error.message) };
    throw error;
  }
  const requestId = timeOrderedId();
  const reserve = () =>
    ledger.reserve({
      userId,
      amount: estimate.worstCase > 0n ? estimate.worstCase : 1n,
      feature,
      requestId,
      ttlMs: options.ttlMs ?? DEFAULT_HOLD_TTL_MS,
      pricingVersion: pricing.version,
    });
  let held = await reserve();
  if (!held.ok && held.error.type === "InsufficientTokens") {
    // Before refusing: holds left by a process that died are returned first (they expire after
    // their time to live), so they can never lock the user out.
    const swept = await sweepExpiredReservations(db, new Date(), { userId });
    if (swept.expired > 0) held = await reserve();
  }
  if (held.ok) return { hold: { estimate, pricing, engine, requestId, held } };

  await forgetClaim();
  if (held.error.type === "InsufficientTokens") {
    try {
      config.onRefused?.({ userId });
    } catch (error) {
      log("refused_listener_failed", { feature, userId, message: (error as Error)?.message });
    }
    const available = held.error.available > 0n ? held.error.available : 0n;
    return {
      response: apiError("insufficient_tokens", undefined, {
        extra: { required: tokens(held.error.required), available: tokens(available), upgradeUrl: config.upgradeUrl },
        headers: { "x-tokens-remaining": String(tokens(available)) },
      }),
    };
  }
  log("reserve_failed", { feature, userId, error: held.error });
  return { response: apiError("no_token_account", "Your account has no token balance.") };
}
