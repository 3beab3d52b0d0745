import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { DashboardSummary } from "@/components/dashboard/summary";
import { accountSummary } from "@/lib/tokens/account-summary";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("dashboard"))("title") };
}

export default async function DashboardPage() {
  const user = await requireUser("/dashboard");
  const summary = await accountSummary(db(), user.id);
  return <DashboardSummary name={user.name ?? null} balance={summary?.balance ?? null} />;
}
