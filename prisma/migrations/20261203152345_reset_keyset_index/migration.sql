-- DropIndex
DROP INDEX "user_token_balance_next_reset_at_idx";

-- CreateIndex
CREATE INDEX "user_token_balance_next_reset_at_user_id_idx" ON "user_token_balance"("next_reset_at", "user_id");
