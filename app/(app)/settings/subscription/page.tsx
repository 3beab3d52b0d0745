import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Subscription" };

export default async function SubscriptionPage() {
  await requireUser("/settings/subscription");
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Subscription</h1>
      <p className="mt-4 text-zinc-700">
        Plans, packs and your transaction history will be managed here. Meanwhile, see{" "}
        <Link href="/pricing" className="font-medium text-brand-700 hover:underline">pricing</Link>.
      </p>
    </>
  );
}
