// One user for the admin: balance, subscription row, ledger (newest first, keyset pages), the
// manual adjustment form and the spend-limit form.
import { randomUUID } from "node:crypto";
import Link from "next/link";
import { notFound } from "next/navigation";
import { userOverview } from "@/lib/admin/users";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { formatDate, formatDateTime, formatTokensDetailed, DEFAULT_LOCALE } from "@/lib/format";
import { historyQuery, parseHistoryParams } from "@/lib/history/filters";
import { readSpendLimit } from "@/lib/tokens/spend-limit";
import { adjustTokens, setSpendCap } from "../actions";
import { AdjustForm } from "./adjust-form";
import { SpendCapForm } from "./spend-cap-form";

export const metadata = { title: "User" };

export default async function AdminUserPage({
  params,
  searchParams,
}: {
  params: Promise<{ userId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { userId } = await params;
  await requireAdmin(`/admin/users/${encodeURIComponent(userId)}`);
  const history = parseHistoryParams(await searchParams);
  const historyParams = history.ok ? history.params : {};
  const overview = userId.length <= 64 ? await userOverview(db(), userId, historyParams) : null;
  if (!overview) notFound();
  const { user, balance, subscription } = overview;
  const limit = await readSpendLimit(db(), user.id);

  const facts: [string, React.ReactNode][] = balance
    ? [
        ["Available", `${formatTokensDetailed(balance.available, DEFAULT_LOCALE)} tokens`],
        ["Allowance", formatTokensDetailed(balance.allowance, DEFAULT_LOCALE)],
        ["Purchased", formatTokensDetailed(balance.purchased, DEFAULT_LOCALE)],
        ["Held by calls in flight", formatTokensDetailed(balance.reserved, DEFAULT_LOCALE)],
        [
          "Period",
          `${formatDate(balance.periodStart, DEFAULT_LOCALE, "UTC")} → ${formatDate(balance.nextResetAt, DEFAULT_LOCALE, "UTC")}`,
        ],
      ]
    : [];
  const sub: [string, React.ReactNode][] = subscription
    ? [
        ["Plan", subscription.planId ?? "—"],
        ["Status", subscription.status + (subscription.cancelAtPeriodEnd ? " (cancels at period end)" : "")],
        [
          "Current period",
          subscription.currentPeriodStart && subscription.currentPeriodEnd
            ? `${formatDate(subscription.currentPeriodStart, DEFAULT_LOCALE, "UTC")} → ${formatDate(subscription.currentPeriodEnd, DEFAULT_LOCALE, "UTC")}`
            : "—",
        ],
        [
          "Stripe customer",
          <span key="c" className="font-mono text-xs">
            {subscription.stripeCustomerId ?? "—"}
          </span>,
        ],
        [
          "Stripe subscription",
          <span key="s" className="font-mono text-xs">
            {subscription.stripeSubscriptionId ?? "—"}
          </span>,
        ],
      ]
    : [["Plan", "Free tier (no subscription row)"]];

  return (
    <div className="space-y-6">
      <Link href="/admin/users" className="text-sm text-zinc-600 underline underline-offset-2">
        ← Users
      </Link>
      <div>
        <h1 className="text-2xl font-semibold break-all text-zinc-900">{user.email}</h1>
        <p className="text-sm text-zinc-600">
          {user.name ?? "No name"} · {user.role} · since {formatDate(user.createdAt, DEFAULT_LOCALE, "UTC")} ·{" "}
          <span className="font-mono">{user.id}</span>
        </p>
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Facts title="Balance" rows={balance ? facts : [["Account", "No token account"]]} />
        <Facts title="Subscription" rows={sub} />
        <AdjustForm userId={user.id} nonce={randomUUID()} action={adjustTokens} />
        {limit && (
          <SpendCapForm
            userId={user.id}
            current={{
              cap: limit.cap === null ? null : formatTokensDetailed(limit.cap, DEFAULT_LOCALE),
              spent: formatTokensDetailed(limit.spent, DEFAULT_LOCALE),
              held: formatTokensDetailed(limit.held, DEFAULT_LOCALE),
              setBy:
                limit.setByAdmin === null ? null : `admin ${overview.actors[limit.setByAdmin] ?? limit.setByAdmin}`,
            }}
            action={setSpendCap}
          />
        )}
      </div>

      <section aria-labelledby="ledger-heading" className="space-y-2">
        <h2 id="ledger-heading" className="text-lg font-semibold text-zinc-900">
          Ledger
        </h2>
        {!history.ok && (
          <p role="alert" className="text-sm text-red-800">
            {history.error}
          </p>
        )}
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-zinc-600">
              <tr>
                <th className="px-3 py-2 font-medium">When</th>
                <th className="px-3 py-2 font-medium">Type</th>
                <th className="px-3 py-2 font-medium">What</th>
                <th className="px-3 py-2 text-right font-medium">Change</th>
                <th className="px-3 py-2 text-right font-medium">Balance after</th>
              </tr>
            </thead>
            <tbody>
              {overview.history.entries.map((entry) => (
                <tr key={entry.id} className="border-b border-zinc-100 align-top last:border-0" data-kind={entry.kind}>
                  <td className="px-3 py-2 whitespace-nowrap text-zinc-700">
                    {formatDateTime(entry.createdAt, DEFAULT_LOCALE, "UTC")}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{entry.kindLabel}</td>
                  <td className="px-3 py-2">
                    <div className="text-zinc-900">{entry.title}</div>
                    {entry.details.length > 0 && (
                      <div className="text-xs text-zinc-600">{entry.details.join(" · ")}</div>
                    )}
                    {entry.actorId && (
                      <div className="text-xs text-zinc-600">by {overview.actors[entry.actorId] ?? entry.actorId}</div>
                    )}
                  </td>
                  <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{entry.amount}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{entry.balanceAfter}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {overview.history.nextCursor && (
          <Link
            href={`/admin/users/${user.id}${historyQuery({ ...historyParams, cursor: overview.history.nextCursor })}`}
            className="text-sm underline underline-offset-2"
          >
            Older rows
          </Link>
        )}
      </section>
    </div>
  );
}

function Facts({ title, rows }: { title: string; rows: [string, React.ReactNode][] }) {
  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4">
      <h2 className="font-semibold text-zinc-900">{title}</h2>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-zinc-600">{label}</dt>
            <dd className="text-zinc-900">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
