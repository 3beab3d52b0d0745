// The realtime sweep: hangs up and settles the voice sessions nobody drives. Every instance runs
// it every `realtimeTiming.sweepEveryMs` (RealtimeMeter.startSweeper); sessions are picked with
// FOR UPDATE SKIP LOCKED and settled through the meter's one-claimant settlement, so instances
// running it at once never settle a session twice. A session is due when:
//   - it was never attached within `attachWindowMs` of its start   → "not_attached";
//   - its browser stopped its keepalive for `clientTimeoutMs`       → "client_gone";
//   - its owner (the instance holding the sideband) fell silent for `ownerTimeoutMs` → "abandoned",
//     charged the persisted usage plus the worst case of the silent time (capped at the holds);
//   - it is past its maximum length (the owner should have cut it)  → "max_length";
//   - it was asked to end and nobody finished it                     → "ended";
//   - a claimed settlement went stale (the settling instance died)   → settled again, same key.
// With the defaults an unattached, walked-away or abandoned session is hung up within 10 s + one
// sweep period.
// (The ledger's own sweep of expired holds, lib/tokens/ledger, is separate and unchanged.)
import { realtimeTiming, type RealtimeMeter, type RealtimeOutcome } from "./realtime-metering";

export interface RealtimeSweepResult {
  hungUp: number;
  settled: number;
}

interface DueRow {
  id: string;
  callId: string | null;
  status: string;
  ownerSeenAt: Date;
  reason: RealtimeOutcome;
}

export async function sweepRealtimeSessions(
  meter: RealtimeMeter,
  now = new Date(),
  limit = 100,
): Promise<RealtimeSweepResult> {
  const db = meter.deps.db();
  const t = realtimeTiming;
  const ms = (n: number) => new Date(now.getTime() - n);
  const due = await db.$queryRaw<DueRow[]>`
    SELECT id, call_id AS "callId", status, owner_seen_at AS "ownerSeenAt",
      CASE
        WHEN owner_seen_at < ${ms(t.ownerTimeoutMs)} THEN 'abandoned'
        WHEN attached_at IS NULL AND created_at < ${ms(t.attachWindowMs)} THEN 'not_attached'
        WHEN attached_at IS NOT NULL AND client_seen_at < ${ms(t.clientTimeoutMs)} THEN 'client_gone'
        WHEN deadline_at < ${ms(t.drainMs + t.heartbeatMs)} THEN 'max_length'
        ELSE 'ended'
      END AS reason
    FROM realtime_sessions
    WHERE status <> 'settled' AND (
      owner_seen_at < ${ms(t.ownerTimeoutMs)}
      OR (status = 'live' AND attached_at IS NULL AND created_at < ${ms(t.attachWindowMs)})
      OR (status = 'live' AND client_seen_at < ${ms(t.clientTimeoutMs)})
      OR (status IN ('live', 'ending') AND deadline_at < ${ms(t.drainMs + t.heartbeatMs)})
      OR (status = 'ending' AND end_requested_at < ${ms(t.drainMs + t.ownerTimeoutMs)})
      OR (status = 'settling' AND settling_at < ${ms(t.settlingStaleMs)}))
    ORDER BY owner_seen_at LIMIT ${limit}`;
  const result: RealtimeSweepResult = { hungUp: 0, settled: 0 };
  for (const row of due) {
    const owned = meter.ownedSession(row.id);
    try {
      if (owned) {
        // Ours and alive: cut it like the maximum length does (hang up, drain, settle).
        await owned.end(row.reason);
        result.hungUp++;
        result.settled++;
        continue;
      }
      if (row.status === "live") {
        await db.realtimeSession.updateMany({
          where: { id: row.id, status: "live" },
          data: { status: "ending", endRequestedAt: now, outcome: row.reason },
        });
      }
      if (row.callId && row.status !== "settling") {
        await meter.deps.provider.hangup(row.callId).catch(() => undefined);
        result.hungUp++;
      }
      if (row.reason === "abandoned" || row.status === "settling") {
        const silent = (now.getTime() - row.ownerSeenAt.getTime()) / t.msPerSessionSecond;
        await meter.settle(row.id, row.reason, Math.max(1, silent));
        result.settled++;
      } else {
        // A live owner elsewhere sees the call close and settles; if it does not, a later sweep does.
        void meter.awaitSettlement(row.id, row.reason).catch(() => undefined);
      }
    } catch (error) {
      meter.deps.log("realtime.sweep_session_failed", { session: row.id, message: (error as Error)?.message });
    }
  }
  return result;
}
