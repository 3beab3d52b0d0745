-- AlterTable
ALTER TABLE "user_subscriptions" ADD COLUMN     "plan_allowance" BIGINT,
ADD COLUMN     "plan_pricing_version" INTEGER;
