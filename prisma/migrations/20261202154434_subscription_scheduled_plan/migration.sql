-- AlterTable
ALTER TABLE "user_subscriptions" ADD COLUMN     "scheduled_change_at" TIMESTAMPTZ(3),
ADD COLUMN     "scheduled_plan_id" TEXT;
