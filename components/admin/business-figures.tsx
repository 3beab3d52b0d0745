// The business figures of a month as tables (server component). Exact values come from
// lib/admin/business.ts; this only formats them for display.
import { formatBasisPoints, formatMicroUsd, type BusinessReport, type ConsumptionRow } from "@/lib/admin/business";
import { SETUP_HINT, type ReconciliationRow } from "@/lib/admin/reconciliation";
import { formatCount, formatMoney, DEFAULT_LOCALE } from "@/lib/format";

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
            <td className={cell}>{formatCount(r.calls, DEFAULT_LOCALE)}</td>
            <td className={cell}>{formatMicroUsd(r.costMicroUsd, 4)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The ledger against the provider's bill, per day and model (last 30 days), a model whose difference
 * is above 1% highlighted. Without an admin key: how to set one up.
 */
export function CostReconciliation({ rows, configured }: { rows: ReconciliationRow[]; configured: boolean }) {
  const flagged = rows.filter((row) => row.flagged).length;
  return (
    <Section
      title="Cost reconciliation (last 30 days)"
      note="Ours: the ledger's charges (consume rows). Theirs: OpenAI's Costs API, each line item attributed to the model it names; “list price” marks a model only the Usage API reported, priced at the catalogue's list prices. Differences above 1% are highlighted. Runs daily (cron) or with npm run costs:reconcile -- --day YYYY-MM-DD."
    >
      {!configured && (
        <p role="note" className="mb-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Not configured: {SETUP_HINT} Then the daily cron (GET /api/cron/reconcile-costs) or npm run costs:reconcile
          fills this table.
        </p>
      )}
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-600">No reconciliation stored for the last 30 days.</p>
      ) : (
        <>
          <p className={`mb-2 text-sm ${flagged ? "font-medium text-red-700" : "text-emerald-700"}`}>
            {flagged
              ? `${flagged} ${flagged === 1 ? "model-day differs" : "model-days differ"} by more than 1%.`
              : "Every model within 1% of the provider's bill."}
          </p>
          <table className="w-full text-sm">
            <thead className="text-zinc-600">
              <tr>
                <th className={first}>Day</th>
                <th className={first}>Model</th>
                <th className={head}>Ours</th>
                <th className={head}>Theirs</th>
                <th className={head}>Difference</th>
                <th className={head}>%</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {rows.map((row) => (
                <tr
                  key={`${row.day} ${row.model}`}
                  data-flagged={row.flagged ? "true" : "false"}
                  className={row.flagged ? "bg-red-50 font-medium text-red-800" : undefined}
                >
                  <td className={first}>{row.day}</td>
                  <td className={first}>
                    {row.model}
                    {row.theirsSource === "usage" && <span className="ml-1 text-xs text-zinc-500">(list price)</span>}
                    {row.flagged && <span className="ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs">above 1%</span>}
                  </td>
                  <td className={cell}>{formatMicroUsd(row.oursMicroUsd, 4)}</td>
                  <td className={cell}>{formatMicroUsd(row.theirsMicroUsd, 4)}</td>
                  <td className={cell}>{formatMicroUsd(row.differenceMicroUsd, 4)}</td>
                  <td className={cell}>
                    {formatBasisPoints(row.differenceBp === null ? null : BigInt(row.differenceBp))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

export function BusinessFigures({
  report: r,
  reconciliationConfigured,
}: {
  report: BusinessReport;
  reconciliationConfigured: boolean;
}) {
  const eur = (cents: bigint) => formatMoney(Number(cents), r.currency, DEFAULT_LOCALE);
  const ledgerOk = r.ledger.mismatches.length === 0;
  return (
    <div className="mt-6 space-y-6">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="MRR (now)" value={eur(r.mrrCents)} />
        <Stat label="Active subscriptions" value={formatCount(r.activeSubscriptions, DEFAULT_LOCALE)} />
        <Stat label={`Pack revenue ${r.month}`} value={eur(r.packRevenueCents)} />
        <Stat
          label={`Gross margin ${r.month}`}
          value={`${eur(r.total.marginCents)} · ${formatBasisPoints(r.total.marginBasisPoints)}`}
          tone={r.total.marginCents < 0n ? "bad" : undefined}
        />
        <Stat label={`Provider cost ${r.month}`} value={formatMicroUsd(r.providerCostMicroUsd)} />
        <Stat label="Pending cancellations" value={formatCount(r.pendingCancellations, DEFAULT_LOCALE)} />
        <Stat
          label={`Ledger check (${formatCount(r.ledger.usersChecked, DEFAULT_LOCALE)} users)`}
          value={ledgerOk ? "No drift" : `${r.ledger.mismatches.length} mismatches`}
          tone={ledgerOk ? "good" : "bad"}
        />
        <Stat label="Reservations in flight" value={formatCount(r.reservationsHeld, DEFAULT_LOCALE)} />
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
        <Section
          title="Subscriptions by plan"
          note="Active and past-due subscriptions today (past due is still billed)."
        >
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
                  <td className={cell}>{formatCount(p.activeSubscriptions, DEFAULT_LOCALE)}</td>
                  <td className={cell}>{formatCount(p.pastDue, DEFAULT_LOCALE)}</td>
                  <td className={cell}>{formatCount(p.pendingCancel, DEFAULT_LOCALE)}</td>
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
                  <td className={cell}>{formatCount(c.canceled, DEFAULT_LOCALE)}</td>
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
                    <td className={cell}>{formatCount(p.sold, DEFAULT_LOCALE)}</td>
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
                    <td className={cell}>{formatCount(u.calls, DEFAULT_LOCALE)}</td>
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

      <CostReconciliation rows={r.reconciliation} configured={reconciliationConfigured} />
    </div>
  );
}
