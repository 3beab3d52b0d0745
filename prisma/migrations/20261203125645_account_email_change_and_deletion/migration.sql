-- AlterEnum
ALTER TYPE "account_token_purpose" ADD VALUE 'change_email';

-- AlterEnum
ALTER TYPE "mail_status" ADD VALUE 'canceled';
