-- AlterTable
ALTER TABLE "user_subscriptions" ADD COLUMN     "current_period_invoice_id" TEXT,
ADD COLUMN     "current_period_paid_at" TIMESTAMPTZ(3),
ADD COLUMN     "stripe_read_at" TIMESTAMPTZ(6);

-- Backfill: a live subscription whose current period was already started in the ledger (by its
-- invoice.paid, or by the reset cron before it required a paid invoice) counts as paid; any other
-- row is filled in by its next sync (every invoice.paid event runs one).
UPDATE "user_subscriptions" s
SET "current_period_paid_at" = s."current_period_start"
FROM "user_token_balance" b
WHERE b."user_id" = s."user_id"
  AND s."status" IN ('active', 'trialing')
  AND s."current_period_start" IS NOT NULL
  AND b."period_start" = s."current_period_start";
