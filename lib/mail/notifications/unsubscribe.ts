// One-click unsubscribe tokens: an HMAC-SHA256 (keyed with AUTH_SECRET) over the user id and the
// mail kind. No row is stored: the token is stable (every mail of a kind carries the same link),
// and nobody without the secret can make one for another user or kind. Compared in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { DbTx } from "../../db/connect";
import { notificationKindSchema, writePreferences, type NotificationKind } from "./preferences";

/** Where a notification mail's link and List-Unsubscribe header point (GET shows a confirm page). */
export const UNSUBSCRIBE_API_PATH = "/api/mail/unsubscribe";
export const UNSUBSCRIBE_PAGE_PATH = "/unsubscribe";

function signature(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(`unsubscribe:${payload}`).digest();
}

export function unsubscribeToken(secret: string, userId: string, kind: NotificationKind): string {
  const payload = Buffer.from(JSON.stringify([userId, kind])).toString("base64url");
  return `${payload}.${signature(secret, payload).toString("base64url")}`;
}

/** The user and kind a token names, or null for a token that is malformed or not ours. */
export function readUnsubscribeToken(
  secret: string,
  token: string | null | undefined,
): { userId: string; kind: NotificationKind } | null {
  if (!token || token.length > 512) return null;
  const [payload, mac, extra] = token.split(".");
  if (!payload || !mac || extra !== undefined) return null;
  const expected = signature(secret, payload);
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [userId, kind] = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown[];
    const parsedKind = notificationKindSchema.safeParse(kind);
    if (typeof userId !== "string" || !userId || !parsedKind.success) return null;
    return { userId, kind: parsedKind.data };
  } catch {
    return null;
  }
}

export function unsubscribeUrl(appUrl: string, secret: string, userId: string, kind: NotificationKind): string {
  return `${appUrl.replace(/\/$/, "")}${UNSUBSCRIBE_API_PATH}?token=${unsubscribeToken(secret, userId, kind)}`;
}

/** The List-Unsubscribe URL of an outbox row: notification mails to a user only. */
export function unsubscribeUrlForRow(
  appUrl: string,
  secret: string,
  row: { userId: string | null; template: string },
): string | undefined {
  const kind = notificationKindSchema.safeParse(row.template);
  return row.userId && kind.success ? unsubscribeUrl(appUrl, secret, row.userId, kind.data) : undefined;
}

export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  low_balance: "low-balance alerts",
  tokens_depleted: "out-of-tokens alerts",
  monthly_summary: "the monthly summary",
  usage_alert: "usage alerts",
};

/**
 * Follows an unsubscribe token: turns that kind off for its user. Idempotent (a second use finds
 * it off already). Refused for a token that is not ours, or whose user no longer exists.
 */
export async function unsubscribeWithToken(
  db: DbTx,
  secret: string,
  token: string | null | undefined,
): Promise<{ ok: true; kind: NotificationKind } | { ok: false }> {
  const read = readUnsubscribeToken(secret, token);
  if (!read) return { ok: false };
  const user = await db.user.findUnique({ where: { id: read.userId }, select: { id: true } });
  if (!user) return { ok: false };
  await writePreferences(db, read.userId, { [read.kind]: false });
  return { ok: true, kind: read.kind };
}
