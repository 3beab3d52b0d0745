// Prisma CLI configuration. Runtime queries go through the pg driver adapter in lib/db/client.ts;
// `prisma generate` needs no database. Migrations are applied by our own runner
// (lib/db/migrate.ts), which records them in Prisma's `_prisma_migrations` format so that
// `prisma migrate deploy` also works on machines that can run Prisma's schema engine.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/tollgate" },
});
