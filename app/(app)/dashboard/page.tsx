import { getLocale, getTimeZone } from "next-intl/server";
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { LiveTokenAmount } from "@/components/live-token-amount";
import { formatDate } from "@/lib/format";
import { accountSummary } from "@/lib/tokens/account-summary";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const locale = await getLocale();
  const timeZone = await getTimeZone();
  const user = await requireUser("/dashboard");
  const summary = await accountSummary(db(), user.id);

  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Welcome{user.name ? `, ${user.name}` : ""}</h1>
      {summary && (
        <dl className="mt-6 grid gap-4 sm:grid-cols-3">
          <div className="rounded-lg border border-zinc-200 bg-white p-4">
            <dt className="text-sm text-zinc-600">Available</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">
              <LiveTokenAmount bucket="available" initial={summary.balance.available.toString()} />
            </dd>
          </div>
          <div className="rounded-lg border border-zinc-200 bg-white p-4">
            <dt className="text-sm text-zinc-600">Monthly allowance left</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">
              <LiveTokenAmount bucket="allowance" initial={summary.balance.allowance.toString()} />
            </dd>
            <dd className="text-xs text-zinc-600">
              Resets {formatDate(summary.balance.nextResetAt, locale, timeZone)}
            </dd>
          </div>
          <div className="rounded-lg border border-zinc-200 bg-white p-4">
            <dt className="text-sm text-zinc-600">Purchased (never expire)</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">
              <LiveTokenAmount bucket="purchased" initial={summary.balance.purchased.toString()} />
            </dd>
          </div>
        </dl>
      )}
      <p className="mt-8 text-zinc-700">
        Need more tokens? See the{" "}
        <Link href="/pricing" className="font-medium text-brand-700 hover:underline">
          plans and packs
        </Link>
        .
      </p>
    </>
  );
}
