// Which notification mails a user gets. No row means the defaults (low balance, tokens ran out and
// usage alerts on — usage alerts are only sent for thresholds the user chose — the opt-in monthly
// summary off). Billing and security mails are not preferences: they are
// always sent.
import { z } from "zod";
import type { DbTx } from "../../db/connect";

export const NOTIFICATION_KINDS = ["low_balance", "tokens_depleted", "monthly_summary", "usage_alert"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);

export type NotificationPreferences = Record<NotificationKind, boolean>;

export const DEFAULT_PREFERENCES: NotificationPreferences = {
  low_balance: true,
  tokens_depleted: true,
  monthly_summary: false,
  usage_alert: true,
};

export const preferencesSchema = z.object({
  low_balance: z.boolean(),
  tokens_depleted: z.boolean(),
  monthly_summary: z.boolean(),
  usage_alert: z.boolean(),
});

export async function readPreferences(tx: DbTx, userId: string): Promise<NotificationPreferences> {
  const row = await tx.notificationPreferences.findUnique({ where: { userId } });
  if (!row) return { ...DEFAULT_PREFERENCES };
  return {
    low_balance: row.lowBalance,
    tokens_depleted: row.tokensDepleted,
    monthly_summary: row.monthlySummary,
    usage_alert: row.usageAlert,
  };
}

/** Sets some preferences (the others keep their stored or default values). */
export async function writePreferences(
  tx: DbTx,
  userId: string,
  changes: Partial<NotificationPreferences>,
): Promise<NotificationPreferences> {
  const columns = {
    ...(changes.low_balance !== undefined && { lowBalance: changes.low_balance }),
    ...(changes.tokens_depleted !== undefined && { tokensDepleted: changes.tokens_depleted }),
    ...(changes.monthly_summary !== undefined && { monthlySummary: changes.monthly_summary }),
    ...(changes.usage_alert !== undefined && { usageAlert: changes.usage_alert }),
  };
  await tx.notificationPreferences.upsert({ where: { userId }, create: { userId, ...columns }, update: columns });
  return readPreferences(tx, userId);
}

export async function wants(tx: DbTx, userId: string, kind: NotificationKind): Promise<boolean> {
  return (await readPreferences(tx, userId))[kind];
}
