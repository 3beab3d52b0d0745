// The live balance for this app: the process-wide LISTEN connection (lib/tokens/live) bound to our
// database, and the feed of balance snapshots the SSE route streams. One instance per server process;
// in development it survives hot reloads on globalThis, so a reload never opens a second connection.
import pg from "pg";
import { db } from "./db/client";
import { env } from "./env";
import { BalanceFeed } from "./tokens/live/feed";
import { BalanceListener } from "./tokens/live/listener";
import { readLiveBalance, type LiveBalance } from "./tokens/live/snapshot";
import { PerUserStreamLimit } from "./tokens/live/stream-limit";
import { eventLog, logger } from "./log";

/** The listener connection's application_name (visible in pg_stat_activity). */
export const LIVE_BALANCE_APP_NAME = "tollgate-live-balance";

interface LiveBalanceRuntime {
  listener: BalanceListener;
  feed: BalanceFeed<LiveBalance>;
}

const globalForLive = globalThis as unknown as { tollgateLiveBalance?: LiveBalanceRuntime };

export function liveBalance(): LiveBalanceRuntime {
  if (!globalForLive.tollgateLiveBalance) {
    const e = env();
    const listener = new BalanceListener({
      // LISTEN needs a session of its own: behind a transaction-mode pooler it must be the direct URL.
      // keepAlive lets the kernel notice a connection that died without a FIN (then 'error' → retry).
      createClient: () =>
        new pg.Client({
          connectionString: e.DIRECT_DATABASE_URL ?? e.DATABASE_URL,
          keepAlive: true,
          application_name: LIVE_BALANCE_APP_NAME,
        }),
      // Changes reach the browser within ~0.2 s plus a re-read, well inside the widget's second.
      pumpIntervalMs: 200,
      log: eventLog(logger("live-balance"), { info: ["live_balance_reconnected"] }),
    });
    globalForLive.tollgateLiveBalance = {
      listener,
      feed: new BalanceFeed(listener, (userId) => readLiveBalance(db(), userId)),
    };
  }
  return globalForLive.tollgateLiveBalance;
}

const globalForLimit = globalThis as unknown as { tollgateLiveStreamLimit?: PerUserStreamLimit };

/** This process's bound on each user's open balance streams (LIVE_STREAMS_PER_USER; the oldest closes first). */
export function liveStreamLimit(): PerUserStreamLimit {
  globalForLimit.tollgateLiveStreamLimit ??= new PerUserStreamLimit(() => env().LIVE_STREAMS_PER_USER);
  return globalForLimit.tollgateLiveStreamLimit;
}
