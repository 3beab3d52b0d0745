-- CreateTable
CREATE TABLE "realtime_sessions" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "reservation_id" UUID NOT NULL,
    "extension_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "covered" BIGINT NOT NULL,
    "call_id" TEXT,
    "model" TEXT NOT NULL,
    "max_seconds" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'live',
    "attached_at" TIMESTAMPTZ(3),
    "client_seen_at" TIMESTAMPTZ(3),
    "end_requested_at" TIMESTAMPTZ(3),
    "owner_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settling_at" TIMESTAMPTZ(3),
    "deadline_at" TIMESTAMPTZ(3) NOT NULL,
    "responses" INTEGER NOT NULL DEFAULT 0,
    "text_input_tokens" INTEGER NOT NULL DEFAULT 0,
    "cached_text_input_tokens" INTEGER NOT NULL DEFAULT 0,
    "text_output_tokens" INTEGER NOT NULL DEFAULT 0,
    "audio_input_tokens" INTEGER NOT NULL DEFAULT 0,
    "cached_audio_input_tokens" INTEGER NOT NULL DEFAULT 0,
    "audio_output_tokens" INTEGER NOT NULL DEFAULT 0,
    "last_input_tokens" INTEGER NOT NULL DEFAULT 0,
    "last_output_tokens" INTEGER NOT NULL DEFAULT 0,
    "last_response_at" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "charged" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "realtime_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "realtime_sessions_call_id_key" ON "realtime_sessions"("call_id");

-- CreateIndex
CREATE INDEX "realtime_sessions_owner_seen_at_idx" ON "realtime_sessions"("owner_seen_at") WHERE (status <> 'settled');

-- CreateIndex
CREATE INDEX "realtime_sessions_user_id_created_at_idx" ON "realtime_sessions"("user_id", "created_at");

-- AddForeignKey
ALTER TABLE "realtime_sessions" ADD CONSTRAINT "realtime_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
