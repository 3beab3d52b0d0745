// The business figures of a month as tables (server component). Exact values come from
// lib/admin/business.ts; this only formats them for display.
import { formatBasisPoints, formatMicroUsd, type BusinessReport, type ConsumptionRow } from "@/lib/admin/business";
import { formatCount, formatMoney } from "@/lib/format";

const cell = "px-3 py-2 text-right tabular-nums";
const head = "px-3 py-2 text-right font-medium";
const first = "px-3 py-2 text-left";

function Section({ title, children, note }: { title: string; children: React.ReactNode; note?: string }) {
  return (
    <section className="rounded-lg border border-zinc-200 bg-white p-4" aria-label={title}>
      <h2 className="text-lg font-semibold text-zinc-900">{title}</h2>
      {note && <p className="mt-1 text-sm text-zinc-600">{note}</p>}
      <div className="mt-3 overflow-x-auto">{children}</div>
    </section>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: "bad" | "good" }) {
  const color = tone === "bad" ? "text-red-700" : tone === "good" ? "text-emerald-700" : "text-zinc-900";
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4">
      <p className="text-sm text-zinc-600">{label}</p>
      <p className={`mt-1 text-2xl font-semibold tabular-nums ${color}`}>{value}</p>
    </div>
  );
}

function Consumption({ rows, label }: { rows: ConsumptionRow[]; label: string }) {
  if (rows.length === 0) return <p className="text-sm text-zinc-600">No calls this month.</p>;
  return (
    <table className="w-full text-sm">
      <thead className="text-zinc-600">
        <tr>
          <th className={first}>{label}</th>
          <th className={head}>Calls</th>
          <th className={head}>Provider cost</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((r) => (
          <tr key={r.key}>
            <td className={first}>{r.key}</td>
            <td className={cell}>{formatCount(r.calls)}</td>
            <td className={cell}>{formatMicroUsd(r.costMicroUsd, 4)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BusinessFigures({ report: r }: { report: BusinessReport }) {
  const eur = (cents: bigint) => formatMoney(Number(cents), r.currency);
  const ledgerOk = r.ledger.mismatches.length === 0;
  return (
    <div className="mt-6 space-y-6">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="MRR (now)" value={eur(r.mrrCents)} />
        <Stat label="Active subscriptions" value={formatCount(r.activeSubscriptions)} />
        <Stat label={`Pack revenue ${r.month}`} value={eur(r.packRevenueCents)} />
        <Stat label={`Gross margin ${r.month}`} value={`${eur(r.total.marginCents)} · ${formatBasisPoints(r.total.marginBasisPoints)}`} tone={r.total.marginCents < 0n ? "bad" : undefined} />
        <Stat label={`Provider cost ${r.month}`} value={formatMicroUsd(r.providerCostMicroUsd)} />
        <Stat label="Pending cancellations" value={formatCount(r.pendingCancellations)} />
        <Stat
          label={`Ledger check (${formatCount(r.ledger.usersChecked)} users)`}
          value={ledgerOk ? "No drift" : `${r.ledger.mismatches.length} mismatches`}
          tone={ledgerOk ? "good" : "bad"}
        />
        <Stat label="Reservations in flight" value={formatCount(r.reservationsHeld)} />
      </div>

      <Section
        title="Gross margin by plan"
        note={`Revenue in € (plans: today's MRR at pricing v${r.pricingVersion}; packs: sold this month) against the month's provider cost at ${r.rate.text} € per $. Cost taken from purchased tokens counts for packs; the rest for the user's plan, or the free tier.`}
      >
        <table className="w-full text-sm">
          <thead className="text-zinc-600">
            <tr>
              <th className={first}>Segment</th>
              <th className={head}>Revenue</th>
              <th className={head}>Provider cost</th>
              <th className={head}>Cost in €</th>
              <th className={head}>Gross margin</th>
              <th className={head}>Margin %</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {[...r.margins, r.total].map((m) => (
              <tr key={m.segment} className={m.segment === "total" ? "font-semibold" : undefined}>
                <td className={first}>{m.name}</td>
                <td className={cell}>{eur(m.revenueCents)}</td>
                <td className={cell}>{formatMicroUsd(m.costMicroUsd)}</td>
                <td className={cell}>{eur(m.costCents)}</td>
                <td className={`${cell} ${m.marginCents < 0n ? "text-red-700" : ""}`}>{eur(m.marginCents)}</td>
                <td className={cell}>{formatBasisPoints(m.marginBasisPoints)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <div className="grid gap-6 xl:grid-cols-2">
        <Section title="Subscriptions by plan" note="Active and past-due subscriptions today (past due is still billed).">
          <table className="w-full text-sm">
            <thead className="text-zinc-600">
              <tr>
                <th className={first}>Plan</th>
                <th className={head}>Price</th>
                <th className={head}>Active</th>
                <th className={head}>Past due</th>
                <th className={head}>Cancelling</th>
                <th className={head}>MRR</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {r.plans.map((p) => (
                <tr key={p.planId}>
                  <td className={first}>{p.name}</td>
                  <td className={cell}>{eur(BigInt(p.priceCents))}</td>
                  <td className={cell}>{formatCount(p.activeSubscriptions)}</td>
                  <td className={cell}>{formatCount(p.pastDue)}</td>
                  <td className={cell}>{formatCount(p.pendingCancel)}</td>
                  <td className={cell}>{eur(p.mrrCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>

        <Section title="Cancellations per month" note="Subscriptions canceled in each month (by canceled_at).">
          <table className="w-full text-sm">
            <thead className="text-zinc-600">
              <tr>
                <th className={first}>Month</th>
                <th className={head}>Canceled</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {r.churn.map((c) => (
                <tr key={c.month}>
                  <td className={first}>{c.month}</td>
                  <td className={cell}>{formatCount(c.canceled)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>

        <Section title="Packs sold" note="Priced with the pricing version of each purchase.">
          {r.packs.length === 0 ? (
            <p className="text-sm text-zinc-600">No packs sold this month.</p>
          ) : (
            <table className="w-full text-sm">
              <thead className="text-zinc-600">
                <tr>
                  <th className={first}>Pack</th>
                  <th className={head}>Sold</th>
                  <th className={head}>Revenue</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {r.packs.map((p) => (
                  <tr key={p.packId}>
                    <td className={first}>{p.name}</td>
                    <td className={cell}>{formatCount(p.sold)}</td>
                    <td className={cell}>{eur(p.revenueCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>

        <Section title="Top users by cost">
          {r.topUsers.length === 0 ? (
            <p className="text-sm text-zinc-600">No calls this month.</p>
          ) : (
            <table className="w-full text-sm">
              <thead className="text-zinc-600">
                <tr>
                  <th className={first}>User</th>
                  <th className={head}>Calls</th>
                  <th className={head}>Provider cost</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {r.topUsers.map((u) => (
                  <tr key={u.userId}>
                    <td className={`${first} max-w-56 truncate`} title={u.email}>
                      {u.email}
                    </td>
                    <td className={cell}>{formatCount(u.calls)}</td>
                    <td className={cell}>{formatMicroUsd(u.costMicroUsd, 4)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>

        <Section title="Consumption by feature">
          <Consumption rows={r.byFeature} label="Feature" />
        </Section>
        <Section title="Consumption by model">
          <Consumption rows={r.byModel} label="Model" />
        </Section>
      </div>
    </div>
  );
}
