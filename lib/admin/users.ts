// The admin's view of users: search by e-mail prefix, and one user's balance, subscription and ledger.
import type { Db } from "../db/client";
import { HISTORY_PAGE_SIZE, historyView, type HistoryView } from "../history/view";
import type { HistoryParams } from "../history/filters";
import { balance, type Balance } from "../tokens/ledger";

export interface UserHit {
  id: string;
  email: string;
  name: string | null;
  role: "user" | "admin";
  createdAt: Date;
}

export const USER_SEARCH_LIMIT = 25;

/** LIKE's wildcards and its escape character taken literally: "a_b%" finds "a_b%…", not "axb…". */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Users whose e-mail starts with `prefix`, case-insensitively (e-mails are stored lower-cased, but an
 * admin may type "Ada@"), alphabetically, at most USER_SEARCH_LIMIT.
 */
export async function searchUsersByEmail(db: Db, prefix: string, limit = USER_SEARCH_LIMIT): Promise<UserHit[]> {
  const text = prefix.trim();
  if (!text) return [];
  return db.$queryRaw<UserHit[]>`
    SELECT id, email, name, role::text AS role, created_at AS "createdAt"
    FROM users WHERE lower(email) LIKE ${likePrefix(text.toLowerCase())}
    ORDER BY email LIMIT ${limit}`;
}

export interface UserSubscriptionRow {
  planId: string | null;
  status: string;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

export interface UserOverview {
  user: UserHit;
  balance: Balance | null;
  subscription: UserSubscriptionRow | null;
  history: HistoryView;
  /** E-mail of each admin named on the page's adjustment rows, by user id. */
  actors: Record<string, string>;
}

/** Everything the admin's user page shows; null when there is no such user. */
export async function userOverview(db: Db, userId: string, params: HistoryParams = {}): Promise<UserOverview | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, role: true, createdAt: true },
  });
  if (!user) return null;
  const [bal, subscription, history] = await Promise.all([
    balance(db, userId),
    db.userSubscription.findUnique({
      where: { userId },
      select: {
        planId: true,
        status: true,
        stripeCustomerId: true,
        stripeSubscriptionId: true,
        currentPeriodStart: true,
        currentPeriodEnd: true,
        cancelAtPeriodEnd: true,
      },
    }),
    historyView(db, userId, params, HISTORY_PAGE_SIZE),
  ]);
  const actorIds = [...new Set(history.entries.flatMap((e) => (e.actorId ? [e.actorId] : [])))];
  const actors = actorIds.length
    ? Object.fromEntries(
        (await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, email: true } })).map((a) => [
          a.id,
          a.email,
        ]),
      )
    : {};
  return { user, balance: bal, subscription, history, actors };
}
