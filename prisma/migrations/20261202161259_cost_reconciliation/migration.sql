-- CreateTable
CREATE TABLE "cost_reconciliations" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "model" TEXT NOT NULL,
    "ours_micro_usd" BIGINT NOT NULL,
    "theirs_micro_usd" BIGINT NOT NULL,
    "difference_micro_usd" BIGINT NOT NULL,
    "difference_bp" INTEGER,
    "theirs_source" TEXT NOT NULL,
    "detail" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cost_reconciliations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cost_reconciliations_day_model_key" ON "cost_reconciliations"("day", "model");
