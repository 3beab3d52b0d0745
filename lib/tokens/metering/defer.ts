// defer(): a request whose usage arrives after its response (a realtime session). The wrapper answers
// without settling (`tokens.charged: 0`, the hold still in place) and hands out this handle, whose
// `settle()` is the request's own once-only settle (./settle.ts): exactly what its meter recorded,
// or the hold released when nothing was, with the ledger key `call:<requestId>`. Another instance
// may settle the same hold through the ledger by the handle's reservation and request ids.
import type { Hold } from "./hold";
import type { Meter } from "./meter";
import type { Settlement } from "./settle";
import type { DeferredSettlement } from "./types";

export function deferredSettlement<U>(
  hold: Pick<Hold<unknown>, "requestId" | "held">,
  meter: Meter<U>,
  settlement: Settlement,
): DeferredSettlement<U> {
  return {
    requestId: hold.requestId,
    reservationId: hold.held.reservation.id,
    held: hold.held.reservation.amount,
    expiresAt: hold.held.reservation.expiresAt,
    meter,
    settle: settlement.finish,
  };
}
