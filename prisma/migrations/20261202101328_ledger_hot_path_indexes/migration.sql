-- DropIndex
DROP INDEX "token_reservations_status_expires_at_idx";

-- DropIndex
DROP INDEX "token_reservations_user_id_status_idx";

-- DropIndex
DROP INDEX "token_transactions_user_id_kind_created_at_idx";

-- CreateIndex
CREATE INDEX "token_reservations_expires_at_idx" ON "token_reservations"("expires_at") WHERE (status = 'held');

-- CreateIndex
CREATE INDEX "token_reservations_user_id_idx" ON "token_reservations"("user_id") WHERE (status = 'held');
