// The settle: the exact cost the meter recorded is charged from the hold and the rest returned — or,
// when nothing was recorded, the whole hold is released. Once per request: every caller (the JSON
// answer, the stream's end, the client's cancel, a deferred handle) shares the first run.
//
// What is charged is fixed when settling starts, so every retry sends the same settle. A settle that
// cannot reach the database is retried with backoff until it lands, the hold kept meanwhile
// (./settle-retry.ts: settles and releases are idempotent by reservation and request id); a caller
// that cannot wait gets PENDING after `retry.waitMs` while the retries go on. A settle the ledger
// refuses (the reservation is unknown) is thrown; a shortfall (a swept hold settled from what was
// available) is logged.
import type { HotLedger } from "../ledger";
import type { Meter } from "./meter";
import { PENDING, untilLanded, within, type SettleRetryOptions } from "./settle-retry";
import type { Held } from "./hold";
import { ATTR, millitokens, SPAN, type RequestTrace } from "./trace";
import type { BalanceEvent, MeteringLog } from "./types";

export interface Settled {
  charged: bigint;
  remaining: bigint;
}

/** What landed, as the listener is told: with the spend limit after the charge (none for a release or a duplicate). */
type Landed = Settled & { spend?: { cap: bigint | null; spent: bigint } };

export interface Settlement {
  /** Settles once; retried until it lands. */
  finish(): Promise<Settled>;
  /** finish(), or PENDING when it has not landed within the wait (it goes on in the background). */
  finishWithin(): Promise<Settled | typeof PENDING>;
  /** finish() with no one waiting (the client is gone): a failure is logged. */
  finishInBackground(): void;
}

export function settlement<U>({
  ledger,
  meter,
  held,
  pricingVersion,
  retry,
  log,
  feature,
  userId,
  onSettled,
  trace,
}: {
  ledger: HotLedger;
  meter: Meter<U>;
  held: Held;
  pricingVersion: number;
  retry: SettleRetryOptions;
  log: MeteringLog;
  feature: string;
  userId: string;
  /** Told after the settle landed (MeteringConfig.onSettled). */
  onSettled?: (event: BalanceEvent) => void;
  /** The request's spans (./trace.ts): the settle or release runs in its own. */
  trace?: RequestTrace;
}): Settlement {
  const reservationId = held.reservation.id;
  // The ledger's id of the call (its key is `call:<id>`); `requestId` on a log line is the HTTP request's.
  const callId = meter.requestId;
  let finished: Promise<Settled> | null = null;

  const finish = () => {
    const charge = meter.calls.length === 0 ? null : { cost: meter.cost, usage: meter.usageRecord() };
    const land = () =>
      untilLanded(
        async () => {
          if (!charge) {
            const released = await ledger.release({ reservationId, userId });
            const remaining =
              released.ok && released.balance ? released.balance.available : held.available + held.reservation.amount;
            return { charged: 0n, remaining };
          }
          const result = await ledger.settle({
            reservationId,
            userId,
            cost: charge.cost,
            usage: charge.usage,
            pricingVersion,
            held: held.reservation, // a hold lost in a database crash is still charged
          });
          if (!result.ok) throw new Error(`settling ${feature} request ${callId} failed: ${result.error.type}`);
          if (result.shortfall > 0n) log("shortfall", { feature, userId, callId, shortfall: result.shortfall });
          return {
            charged: result.charged,
            remaining: result.balance.available,
            ...(result.spend && { spend: result.spend }),
          };
        },
        retry,
        (attempt, error) =>
          log("settle_retry", { feature, userId, callId, attempt, message: (error as Error)?.message }),
      );
    const outcome = charge ? "charged" : "released";
    const traced = !trace?.recording
      ? land
      : () =>
          trace.child(
            charge ? SPAN.settle : SPAN.release,
            {
              [ATTR.feature]: feature,
              [ATTR.callId]: callId,
              [ATTR.heldMillitokens]: millitokens(held.reservation.amount),
              ...(charge ? { [ATTR.model]: meter.calls[0]!.model } : {}),
            },
            async (span) => {
              const settled = await land();
              span.setAttributes({ [ATTR.outcome]: outcome, [ATTR.chargedMillitokens]: millitokens(settled.charged) });
              return settled;
            },
          );
    return (finished ??= traced().then(
      (settled) => {
        trace?.settled(outcome, settled.charged);
        notify(settled);
        return { charged: settled.charged, remaining: settled.remaining };
      },
      (error: unknown) => {
        trace?.settled("error", 0n);
        throw error;
      },
    ));
  };
  // A listener's failure is logged, never the call's: the charge has landed.
  const notify = (settled: Landed) => {
    try {
      onSettled?.({ userId, remaining: settled.remaining, ...(settled.spend && { spend: settled.spend }) });
    } catch (error) {
      log("settled_listener_failed", { feature, userId, callId, message: (error as Error)?.message });
    }
  };
  return {
    finish,
    finishWithin: () => within(finish(), retry.waitMs),
    finishInBackground: () =>
      void finish().catch((error) =>
        log("settle_failed", { feature, userId, callId, message: (error as Error)?.message }),
      ),
  };
}
