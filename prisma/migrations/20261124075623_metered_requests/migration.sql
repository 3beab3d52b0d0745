-- CreateEnum
CREATE TYPE "MeteredRequestStatus" AS ENUM ('processing', 'completed');

-- CreateTable
CREATE TABLE "metered_requests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" "MeteredRequestStatus" NOT NULL DEFAULT 'processing',
    "response_status" INTEGER,
    "content_type" TEXT,
    "response_body" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "metered_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "metered_requests_created_at_idx" ON "metered_requests"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "metered_requests_user_id_idempotency_key_key" ON "metered_requests"("user_id", "idempotency_key");

-- AddForeignKey
ALTER TABLE "metered_requests" ADD CONSTRAINT "metered_requests_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
