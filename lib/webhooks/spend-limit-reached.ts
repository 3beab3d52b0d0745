// The outgoing `spend_limit.reached` webhook: a metered call was refused because its worst case
// would pass the user's spend limit (docs/SPEND_LIMITS.md). Told by the metering wrapper's
// onSpendLimitReached listener (lib/ai/metered.ts), never on the call's path.
//
// Once per user per period — key `spend_limit.reached:<user>:<period start>` — however many calls
// the cap refuses: an integrator hears "the limit was reached", not every refusal. Idempotent by
// that key, so concurrent refusals (50 calls at once against the cap) store one event.
import type { Db } from "../db/connect";
import { balance } from "../tokens/ledger";
import type { SpendLimitEvent } from "../tokens/metering/types";
import { emitEvent } from "./events";

/** Emits the period's `spend_limit.reached`; true when emitted now (false: before, or nobody subscribes). */
export async function emitSpendLimitReached(db: Db, event: SpendLimitEvent): Promise<boolean> {
  const current = await balance(db, event.userId);
  if (!current) return false;
  // The refusal wrote nothing: there is no transaction of its own to join.
  const emitted = await emitEvent(db, {
    type: "spend_limit.reached",
    key: `spend_limit.reached:${event.userId}:${current.periodStart.toISOString()}`,
    userId: event.userId,
    data: {
      userId: event.userId,
      limitMillitokens: event.cap.toString(),
      spentMillitokens: event.spent.toString(),
      heldMillitokens: event.held.toString(),
      periodStart: current.periodStart.toISOString(),
      periodEnd: current.nextResetAt.toISOString(),
    },
  });
  return emitted !== null;
}
