-- AlterTable
ALTER TABLE "user_subscriptions" ADD COLUMN     "billing_cycle_anchor" TIMESTAMPTZ(3),
ADD COLUMN     "billing_interval" TEXT;
