// "At most one such mail per window": the window is part of the mail's idempotency key, so the
// outbox's unique key enforces the limit across requests and server instances alike. What a request
// writes besides the mail (the link's token) is kept only when its mail was queued.
import type { Db, DbTx } from "../db/connect";

/** The fixed window of `intervalMs` that `now` falls in, and the seconds until it ends. */
export function mailWindow(now: Date, intervalMs: number): { index: number; retryAfterSeconds: number } {
  const index = Math.floor(now.getTime() / intervalMs);
  return { index, retryAfterSeconds: Math.ceil(((index + 1) * intervalMs - now.getTime()) / 1000) };
}

class NotQueued extends Error {}

/**
 * Runs `work` in one transaction, kept only when it answers true (it queued its mail). When it
 * answers false (the mail's idempotency key was taken: this window's mail exists), everything it
 * wrote is rolled back. Resolves whether the transaction was kept.
 */
export async function transactionIfQueued(db: Db, work: (tx: DbTx) => Promise<boolean>): Promise<boolean> {
  try {
    await db.$transaction(async (tx) => {
      if (!(await work(tx))) throw new NotQueued();
    });
    return true;
  } catch (error) {
    if (error instanceof NotQueued) return false;
    throw error;
  }
}
