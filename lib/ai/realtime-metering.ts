// Server-side metering of a realtime voice session (docs/REALTIME_METERING.md).
//
// The server creates the call itself (POST /v1/realtime/calls with the browser's SDP offer and its
// own key), opens the sideband WebSocket by call id before the browser has the SDP answer, and
// reads the usage of every `response.done` there. No key or secret ever reaches the browser, so no
// call exists that the server cannot see.
//
// State lives in Postgres (`realtime_sessions`): the holds, the call id, the running usage (written
// as each `response.done` arrives), the status. The instance that created the call holds the
// sideband (the "owner") and beats a heartbeat into the row every second; attach, end, settle and
// the sweep work from any instance:
//   - attach: marks the row; the owner switches the model's turn detection on at its next beat;
//   - end:    marks the row `ending` and hangs up at the provider (any instance can, with the key);
//             the owner's sideband closes, it settles; if the owner is gone, the caller settles;
//   - sweep:  hangs up and settles a session nobody drives — not attached within the attach window,
//             owner silent, past its maximum length (realtime-sweep.ts);
//   - settle: exactly once (a conditional claim on the row; the ledger key `call:<request id>`).
//
// A session never spends more than the user has: after every response, and at every beat, the
// owner projects the next response's worst case; when the spend so far plus that projection
// exceeds what the holds cover, it takes a further hold from the balance, or hangs up.
import { release as releaseHold, settle as settleHold } from "../tokens/ledger";
import { OwnedSession } from "./realtime-owned-session";
import {
  realtimeTiming,
  SessionError,
  sleep,
  type RealtimeDeps,
  type RealtimeOutcome,
  type RealtimeSettlement,
  type SessionRow,
  type StartInput,
} from "./realtime-session";
import { billable, plus, usageOf, worstCaseUsage } from "./realtime-usage";

export { OwnedSession } from "./realtime-owned-session";
export * from "./realtime-session";
export { nextResponseBound, responseDoneUsage, worstCaseUsage } from "./realtime-usage";

/**
 * The realtime sessions of one app instance: the sidebands it owns (in memory) over the state all
 * instances share (Postgres). Two meters over one database behave as two instances.
 */
export class RealtimeMeter {
  private readonly owned = new Map<string, OwnedSession>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(readonly deps: RealtimeDeps) {}

  /**
   * Creates the call at the provider with the browser's offer, records the session, opens the
   * sideband and waits until it is live, then returns the SDP answer — the only thing the browser
   * gets. A failure before that deletes the session row and throws (the wrapper releases the hold).
   */
  async start(input: StartInput): Promise<{ sessionId: string; answer: string }> {
    this.startSweeper();
    const { deferred } = input;
    const db = this.deps.db();
    const now = Date.now();
    await db.realtimeSession.create({
      data: {
        id: deferred.requestId,
        userId: input.userId,
        reservationId: deferred.reservationId,
        covered: deferred.held,
        model: input.model,
        maxSeconds: input.maxSeconds,
        deadlineAt: new Date(now + input.maxSeconds * realtimeTiming.msPerSessionSecond),
      },
    });
    let callId: string | null = null;
    try {
      const call = await this.deps.provider.createCall(input.offer, input.session);
      callId = call.callId;
      await db.realtimeSession.update({ where: { id: deferred.requestId }, data: { callId } });
      const session = new OwnedSession(this, deferred.requestId, input, callId);
      this.owned.set(session.id, session);
      await session.open();
      return { sessionId: session.id, answer: call.answer };
    } catch (error) {
      this.owned.get(deferred.requestId)?.forget();
      if (callId) await this.deps.provider.hangup(callId).catch(() => undefined);
      await db.realtimeSession.delete({ where: { id: deferred.requestId } }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The browser's peer connection is up: the session may answer by itself now. The page repeats it
   * every few seconds as its keepalive (a browser silent for `clientTimeoutMs` has walked away, and
   * the sweep hangs up). 404 for no such session (or another user's), 409 once it has ended.
   */
  async attach(userId: string, sessionId: string): Promise<{ attached: true }> {
    this.startSweeper();
    const db = this.deps.db();
    const rows = await db.$queryRaw<{ id: string }[]>`
      UPDATE realtime_sessions SET attached_at = coalesce(attached_at, now()), client_seen_at = now()
      WHERE id = ${sessionId} AND user_id = ${userId} AND status = 'live' RETURNING id`;
    if (rows.length === 0) {
      const row = await db.realtimeSession.findFirst({ where: { id: sessionId, userId } });
      if (!row) throw new SessionError("No such voice session.", 404);
      throw new SessionError("This voice session has already ended.", 409);
    }
    this.owned.get(sessionId)?.goLive();
    return { attached: true };
  }

  /**
   * Ends the user's session from any instance (idempotent): marks it ending, hangs up at the
   * provider, and waits for the owner to drain and settle — or settles itself when the owner is gone.
   */
  async end(userId: string, sessionId: string): Promise<RealtimeSettlement> {
    this.startSweeper();
    const db = this.deps.db();
    const row = await db.realtimeSession.findFirst({ where: { id: sessionId, userId } });
    if (!row) throw new SessionError("No such voice session.", 404);
    // The owner is here: it ends the session itself (or is already ending it, for its own reason).
    const owned = this.owned.get(sessionId);
    if (owned && (row.status === "live" || row.status === "ending")) return owned.end("ended");
    if (row.status === "live") {
      await db.realtimeSession.updateMany({
        where: { id: sessionId, status: "live" },
        data: { status: "ending", endRequestedAt: new Date(), outcome: "ended" },
      });
    }
    if (row.status === "live" || row.status === "ending") {
      if (row.callId)
        await this.deps.provider
          .hangup(row.callId)
          .catch((error: unknown) =>
            this.deps.log("realtime.hangup_failed", { session: sessionId, message: (error as Error)?.message }),
          );
    }
    return this.awaitSettlement(sessionId, "ended");
  }

  /** Waits for a settlement by its owner; settles here if the owner stays silent or too long passes. */
  async awaitSettlement(sessionId: string, outcome: RealtimeOutcome): Promise<RealtimeSettlement> {
    const db = this.deps.db();
    const deadline = Date.now() + realtimeTiming.drainMs + realtimeTiming.ownerTimeoutMs;
    for (;;) {
      const row = await db.realtimeSession.findUniqueOrThrow({ where: { id: sessionId } });
      if (row.status === "settled") return this.settlementOf(row as SessionRow);
      const ownerGone = Date.now() - row.ownerSeenAt.getTime() > realtimeTiming.ownerTimeoutMs;
      if (ownerGone || Date.now() > deadline) return this.settle(sessionId, outcome);
      await sleep(50);
    }
  }

  private async settlementOf(row: SessionRow): Promise<RealtimeSettlement> {
    const balance = await this.deps.db().userTokenBalance.findUnique({ where: { userId: row.userId } });
    return {
      outcome: row.outcome as RealtimeOutcome,
      responses: row.responses,
      charged: row.charged ?? 0n,
      remaining: balance ? balance.allowance + balance.purchased - balance.reserved : 0n,
    };
  }

  /**
   * Settles a session once, from any instance: claims the row (a conditional update: one claimant
   * wins), charges the persisted usage — plus, when part of the call went unobserved
   * (`unobservedSeconds`), the worst case of that time, capped at what the holds cover — releasing
   * the further holds and settling the first in one transaction (the further holds' tokens return
   * to the balance only as the charge takes them: nothing else can take them in between).
   */
  async settle(sessionId: string, outcome: RealtimeOutcome, unobservedSeconds = 0): Promise<RealtimeSettlement> {
    const db = this.deps.db();
    const claimed = await db.$queryRaw<{ id: string }[]>`
      UPDATE realtime_sessions SET status = 'settling', settling_at = now(), outcome = coalesce(outcome, ${outcome})
      WHERE id = ${sessionId} AND (status IN ('live', 'ending')
        OR (status = 'settling' AND settling_at < now() - make_interval(secs => ${realtimeTiming.settlingStaleMs / 1000})))
      RETURNING id`;
    if (claimed.length === 0) {
      // Someone else settles it (or did): wait for the result.
      for (let i = 0; i < 200; i++) {
        const row = await db.realtimeSession.findUniqueOrThrow({ where: { id: sessionId } });
        if (row.status === "settled") return this.settlementOf(row as SessionRow);
        await sleep(50);
      }
      throw new Error(`realtime session ${sessionId}: settlement did not finish`);
    }
    const row = (await db.realtimeSession.findUniqueOrThrow({ where: { id: sessionId } })) as SessionRow;
    const engine = await this.deps.engine();
    const observed = usageOf(row);
    let usage = observed;
    let cost = billable(observed) ? engine.costOf(row.model, observed) : 0n;
    if (unobservedSeconds > 0) {
      const padded = plus(observed, worstCaseUsage(unobservedSeconds));
      const paddedCost = engine.costOf(row.model, padded);
      // Never beyond what the holds cover: the unobserved time is an estimate, not a recorded use.
      if (paddedCost <= row.covered) [usage, cost] = [padded, paddedCost];
      else if (cost < row.covered) [usage, cost] = [observed, row.covered];
    }
    const breakdown = billable(usage)
      ? { ...engine.breakdown(row.model, usage, cost), responses: row.responses }
      : undefined;
    const charged = await db.$transaction(async (tx) => {
      for (const extension of row.extensionIds) await releaseHold(tx, extension);
      if (cost === 0n) {
        await releaseHold(tx, row.reservationId);
        return 0n;
      }
      const result = await settleHold(tx, { reservationId: row.reservationId, cost, usage: breakdown });
      if (!result.ok) throw new Error(`settling realtime session ${sessionId} failed: ${result.error.type}`);
      if (result.shortfall > 0n)
        this.deps.log("realtime.shortfall", { session: sessionId, shortfall: String(result.shortfall) });
      return result.charged;
    });
    const final = (await db.realtimeSession.update({
      where: { id: sessionId },
      data: { status: "settled", charged, settledAt: new Date() },
    })) as SessionRow;
    this.deps.log("realtime.settled", {
      session: sessionId,
      outcome: final.outcome,
      responses: row.responses,
      charged: String(charged),
    });
    return this.settlementOf(final);
  }

  /** The owned session, if this instance holds its sideband. */
  ownedSession(sessionId: string): OwnedSession | undefined {
    return this.owned.get(sessionId);
  }

  forget(sessionId: string): void {
    this.owned.delete(sessionId);
  }

  /** Runs the sweep (realtime-sweep.ts) every `sweepEveryMs` in this instance. */
  startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      void import("./realtime-sweep")
        .then(({ sweepRealtimeSessions }) => sweepRealtimeSessions(this))
        .catch((error: unknown) => this.deps.log("realtime.sweep_failed", { message: (error as Error)?.message }));
    }, realtimeTiming.sweepEveryMs).unref();
  }

  stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** Test hook: this instance dies — its sidebands drop, its timers stop, nothing is settled or hung up. */
  crash(): void {
    this.stopSweeper();
    for (const session of this.owned.values()) session.forget();
    this.owned.clear();
  }
}
