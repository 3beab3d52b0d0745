-- AlterTable
-- Existing accounts count their free-tier periods from their current period's start (the only
-- anchor known for them); new accounts get it from sign-up (openAccount).
ALTER TABLE "user_token_balance" ADD COLUMN     "period_anchor" TIMESTAMPTZ(3);
UPDATE "user_token_balance" SET "period_anchor" = "period_start";
ALTER TABLE "user_token_balance" ALTER COLUMN "period_anchor" SET NOT NULL;
