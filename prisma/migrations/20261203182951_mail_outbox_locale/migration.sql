-- AlterTable
ALTER TABLE "mail_outbox" ADD COLUMN     "locale" TEXT NOT NULL DEFAULT 'en',
ADD COLUMN     "time_zone" TEXT NOT NULL DEFAULT 'UTC';
