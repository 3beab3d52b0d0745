-- CreateEnum
CREATE TYPE "AutoTopUpStatus" AS ENUM ('pending', 'succeeded', 'failed', 'requires_action');

-- CreateTable
CREATE TABLE "auto_topup_settings" (
    "user_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "pack_id" TEXT NOT NULL,
    "threshold_millitokens" BIGINT NOT NULL,
    "max_per_period" INTEGER NOT NULL DEFAULT 3,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "disabled_reason" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "disabled_payment_intent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auto_topup_settings_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "auto_topup_attempts" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "pack_id" TEXT NOT NULL,
    "price_id" TEXT,
    "payment_method_id" TEXT,
    "pricing_version" INTEGER,
    "amount" INTEGER,
    "currency" TEXT,
    "status" "AutoTopUpStatus" NOT NULL DEFAULT 'pending',
    "payment_intent_id" TEXT,
    "failure_code" TEXT,
    "failure_message" TEXT,
    "tries" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auto_topup_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "auto_topup_attempts_idempotency_key_key" ON "auto_topup_attempts"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "auto_topup_attempts_payment_intent_id_key" ON "auto_topup_attempts"("payment_intent_id");

-- CreateIndex
CREATE INDEX "auto_topup_attempts_user_id_created_at_idx" ON "auto_topup_attempts"("user_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "auto_topup_attempts_status_created_at_idx" ON "auto_topup_attempts"("status", "created_at");

-- AddForeignKey
ALTER TABLE "auto_topup_settings" ADD CONSTRAINT "auto_topup_settings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auto_topup_attempts" ADD CONSTRAINT "auto_topup_attempts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: bounds the settings can never leave, whatever writes them.
ALTER TABLE "auto_topup_settings" ADD CONSTRAINT "auto_topup_settings_threshold_positive" CHECK ("threshold_millitokens" > 0);
ALTER TABLE "auto_topup_settings" ADD CONSTRAINT "auto_topup_settings_max_per_period_bounds" CHECK ("max_per_period" BETWEEN 1 AND 20);
