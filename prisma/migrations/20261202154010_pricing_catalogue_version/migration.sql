-- AlterTable
ALTER TABLE "token_pricing_config" ADD COLUMN     "catalogue_version" TEXT;
