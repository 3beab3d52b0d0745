// The owner's side of a realtime session: the sideband this instance holds, its heartbeat into the
// row, the running usage and the further holds that keep the spend within what is held
// (realtime-metering.ts describes the whole protocol).
import WebSocket from "ws";
import type { BoundCostEngine, RealtimeUsage } from "../tokens/cost";
import type { RealtimeMeter } from "./realtime-metering";
import {
  realtimeTiming,
  sleep,
  type RealtimeDeps,
  type RealtimeOutcome,
  type RealtimeSettlement,
  type StartInput,
} from "./realtime-session";
import { billable, EMPTY, nextResponseBound, plus, responseDoneUsage, type Observed } from "./realtime-usage";

/** A session whose sideband this instance holds. */
export class OwnedSession {
  private sideband: WebSocket | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private persisting: Promise<unknown> = Promise.resolve();
  private live = false;
  private ending: Promise<RealtimeSettlement> | null = null;
  private closed: Promise<void> | null = null;
  private gone = false;
  private extensions = 0;
  private extending: Promise<void> | null = null;
  private engine: BoundCostEngine | null = null;
  /** The running totals, in memory (the owner decides on them; the row holds the same, persisted). */
  private spent: RealtimeUsage = { kind: "realtime", ...EMPTY };
  private lastInput = 0;
  private lastOutput = 0;
  private lastResponseAt: Date | null = null;
  private covered: bigint;
  private readonly createdAt = new Date();

  constructor(
    private readonly meter: RealtimeMeter,
    readonly id: string,
    private readonly input: StartInput,
    readonly callId: string,
  ) {
    this.covered = input.deferred.held;
  }

  private get deps(): RealtimeDeps {
    return this.meter.deps;
  }

  /** Opens the sideband; resolves when its `session.created` arrived (every later event is seen). */
  async open(): Promise<void> {
    this.engine = await this.deps.engine();
    const ws = this.deps.provider.openSideband(this.callId);
    this.sideband = ws;
    let created!: () => void;
    let failed!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      created = resolve;
      failed = reject;
    });
    const timeout = setTimeout(
      () => failed(new Error("the realtime sideband did not open in time")),
      realtimeTiming.sidebandOpenMs,
    ).unref();
    this.closed = new Promise<void>((resolve) => ws.on("close", () => resolve()));
    ws.on("message", (data) => {
      let event: { type?: string; session?: Record<string, unknown> };
      try {
        event = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (event.type === "session.created") {
        clearTimeout(timeout);
        created();
      } else if (event.type === "response.done") {
        const usage = responseDoneUsage(event);
        if (usage) this.onResponse(usage);
      } else if (event.type === "session.updated" && event.session) {
        this.enforceLimits(event.session);
      }
    });
    ws.on("unexpected-response", (_request, response) => {
      this.deps.log("realtime.sideband_refused", {
        session: this.id,
        callId: this.callId,
        status: response.statusCode,
      });
      ws.terminate();
    });
    ws.on("error", () => undefined); // a close event follows
    ws.on("close", (code) => {
      clearTimeout(timeout);
      failed(new Error("the realtime sideband closed before it was live"));
      if (this.gone || this.ending) return;
      // The call ended at the provider (code 1000: hung up, or ended by the provider) — or the
      // sideband was lost, and what follows cannot be seen: hang up at once, charge the gap.
      this.ending = code === 1000 ? this.finish("ended") : this.lost();
      this.ending.catch(this.logFailure("realtime.settle_failed"));
    });
    const every = (ms: number, run: () => void) => this.timers.push(setInterval(run, ms).unref());
    every(realtimeTiming.heartbeatMs, () => void this.beat());
    this.timers.push(
      setTimeout(
        () => void this.end("max_length").catch(() => undefined),
        this.input.maxSeconds * realtimeTiming.msPerSessionSecond,
      ).unref(),
    );
    return ready;
  }

  /** One response's usage: counted in memory and checked against the budget at once, then persisted. */
  private onResponse(usage: Observed): void {
    this.spent = plus(this.spent, usage);
    this.lastInput = usage.textInputTokens + usage.audioInputTokens;
    this.lastOutput = usage.textOutputTokens + usage.audioOutputTokens;
    this.lastResponseAt = new Date();
    this.checkBudget();
    this.persisting = this.persisting.then(() => this.record(usage)).catch(this.logFailure("realtime.record_failed"));
  }

  /** Persists one response's usage (atomic increments: a crash loses at most the responses in flight). */
  private async record(usage: Observed): Promise<void> {
    await this.deps.db().realtimeSession.update({
      where: { id: this.id, status: { not: "settled" } },
      data: {
        responses: { increment: 1 },
        textInputTokens: { increment: usage.textInputTokens },
        cachedTextInputTokens: { increment: usage.cachedTextInputTokens ?? 0 },
        textOutputTokens: { increment: usage.textOutputTokens },
        audioInputTokens: { increment: usage.audioInputTokens },
        cachedAudioInputTokens: { increment: usage.cachedAudioInputTokens ?? 0 },
        audioOutputTokens: { increment: usage.audioOutputTokens },
        lastInputTokens: usage.textInputTokens + usage.audioInputTokens,
        lastOutputTokens: usage.textOutputTokens + usage.audioOutputTokens,
        lastResponseAt: new Date(),
        ownerSeenAt: new Date(),
      },
    });
  }

  /**
   * The budget, from the in-memory totals (no round trip between a response and the decision):
   *   - spent + 2 × next > covered: a further hold from the balance — the shortfall plus two more
   *     responses' worth, or just the shortfall — and when the balance cannot give it, hang up;
   *   - spent + next > covered (a further hold still being taken): hang up at once.
   * `next` is the next response's worst case (nextResponseBound); the second one is the margin for
   * a response the client starts before the hang-up lands. So the charge never outruns the holds.
   */
  private checkBudget(): void {
    if (this.ending || this.gone || !this.engine) return;
    const engine = this.engine;
    const spent = billable(this.spent) ? engine.costOf(this.input.model, this.spent) : 0n;
    const bound = nextResponseBound(
      {
        lastInputTokens: this.lastInput,
        lastOutputTokens: this.lastOutput,
        lastResponseAt: this.lastResponseAt,
        createdAt: this.createdAt,
      },
      this.input.limits,
      Date.now(),
    );
    const next = engine.costOf(this.input.model, { kind: "realtime", ...bound });
    if (spent + next > this.covered) return this.outOfBudget(spent);
    if (spent + 2n * next <= this.covered || this.extending) return;
    this.extending = (async () => {
      try {
        const missing = spent + 2n * next - this.covered;
        for (const amount of [missing + 2n * next, missing]) {
          const held = await this.deps.ledger().reserve({
            userId: this.input.userId,
            amount,
            feature: this.input.feature,
            requestId: `${this.id}:extension:${++this.extensions}`,
            ttlMs: Math.max(60_000, this.input.deferred.expiresAt.getTime() - Date.now()),
          });
          if (!held.ok) continue;
          await this.deps.db().$executeRaw`
            UPDATE realtime_sessions SET covered = covered + ${amount}, extension_ids = array_append(extension_ids, ${held.reservation.id}::uuid)
            WHERE id = ${this.id}`;
          this.covered += amount;
          this.deps.log("realtime.extended", { session: this.id, amount: String(amount) });
          return;
        }
        this.outOfBudget(spent);
      } finally {
        this.extending = null;
      }
    })().catch(this.logFailure("realtime.extend_failed"));
  }

  /** A handler that logs a failure of this session under `event`. */
  private logFailure(event: string): (error: unknown) => void {
    return (error) => this.deps.log(event, { session: this.id, message: (error as Error)?.message });
  }

  /** Hangs up: what is held cannot cover the next response. */
  private outOfBudget(spent: bigint): void {
    this.deps.log("realtime.budget_exhausted", {
      session: this.id,
      spent: String(spent),
      covered: String(this.covered),
    });
    void this.end("budget").catch(() => undefined);
  }

  /** The heartbeat: tells the others this owner is alive, reads what they asked for, re-checks the budget. */
  private async beat(): Promise<void> {
    if (this.gone || this.ending) return;
    try {
      const rows = await this.deps.db().$queryRaw<{ status: string; attachedAt: Date | null }[]>`
        UPDATE realtime_sessions SET owner_seen_at = now() WHERE id = ${this.id}
        RETURNING status, attached_at AS "attachedAt"`;
      const row = rows[0];
      if (!row || row.status === "settled" || row.status === "settling") return this.forget();
      if (row.status === "ending") {
        void this.end("ended").catch(() => undefined);
        return;
      }
      if (row.attachedAt) this.goLive();
      this.checkBudget(); // the next response's worst case grows with the time since the last one
    } catch (error) {
      this.logFailure("realtime.heartbeat_failed")(error);
    }
  }

  /** Attached: turn detection on (the session was created with none, so nothing answers before). */
  goLive(): void {
    if (this.live) return;
    this.live = true;
    this.send({ type: "session.update", session: this.input.liveSession });
  }

  /**
   * A `session.updated` whose limits are not the server's (a client raised max_output_tokens or
   * replaced the instructions): the server's are sent again at once. The budget projection uses the
   * server's limit; a response started in between is still observed and charged.
   */
  private enforceLimits(session: Record<string, unknown>): void {
    const { instructions, maxOutputTokens } = this.input.limits;
    if (session.instructions === instructions && session.max_output_tokens === maxOutputTokens) return;
    this.deps.log("realtime.limits_restored", {
      session: this.id,
      max_output_tokens: String(session.max_output_tokens),
    });
    this.send({
      type: "session.update",
      session: { type: "realtime", instructions, max_output_tokens: maxOutputTokens },
    });
  }

  private send(event: Record<string, unknown>): void {
    if (this.sideband?.readyState === WebSocket.OPEN) this.sideband.send(JSON.stringify(event));
  }

  /** Hangs up, lets the last events drain, settles. Idempotent. */
  end(outcome: RealtimeOutcome): Promise<RealtimeSettlement> {
    this.ending ??= (async () => {
      // The hang-up first (it stops the spending), the row beside it.
      const hangup = this.deps.provider.hangup(this.callId).catch(this.logFailure("realtime.hangup_failed"));
      await this.deps.db().realtimeSession.updateMany({
        where: { id: this.id, status: "live" },
        data: { status: "ending", endRequestedAt: new Date(), outcome },
      });
      await hangup;
      await Promise.race([this.closed, sleep(realtimeTiming.drainMs)]);
      return this.finish(outcome);
    })();
    return this.ending;
  }

  /** The sideband was lost: hang up at once; charge what was seen plus the worst case of the gap. */
  private async lost(): Promise<RealtimeSettlement> {
    const lostAt = Date.now();
    await this.deps.provider.hangup(this.callId).catch(() => undefined);
    const gap = (Date.now() - lostAt) / realtimeTiming.msPerSessionSecond + 1;
    return this.finish("sideband_lost", gap);
  }

  private async finish(outcome: RealtimeOutcome, unobservedSeconds = 0): Promise<RealtimeSettlement> {
    await this.persisting;
    this.forget();
    return this.meter.settle(this.id, outcome, unobservedSeconds);
  }

  /** Stops everything this instance does for the session (timers, sideband), without settling. */
  forget(): void {
    this.gone = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.sideband?.terminate();
    this.meter.forget(this.id);
  }
}
