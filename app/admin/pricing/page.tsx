// Admin pricing: the active token_pricing_config version (editable: a save creates the next
// version), a form to add a plan or pack, every model's price with its source, and every version's
// history (with the catalogue it was made with). Checks the role itself.
import type { Metadata } from "next";
import { PricingEditor, NewTierForm, type EditablePricing } from "@/components/admin/pricing-forms";
import { ModelPricesTable } from "@/components/admin/model-prices-table";
import { listedModels, modelPriceRows } from "@/lib/admin/model-prices";
import { pricingHistory } from "@/lib/admin/pricing";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { formatDateTime, formatMoney, DEFAULT_LOCALE } from "@/lib/format";
import type { PricingConfig } from "@/lib/tokens/pricing-config";
import { addTierAction, savePricingAction } from "./actions";

export const metadata: Metadata = { title: "Pricing" };

function editable(p: PricingConfig): EditablePricing {
  return {
    version: p.version,
    currency: p.currency,
    microUsdPerToken: p.microUsdPerToken,
    freeTierTokens: Number(p.freeTierMillitokens / 1000n),
    plans: p.plans,
    packs: p.packs,
    overridesJson: JSON.stringify(p.modelPriceOverrides, null, 2),
  };
}

export default async function AdminPricingPage() {
  await requireAdmin("/admin/pricing");
  const history = await pricingHistory(db());
  const active = history[0]!;
  const money = (cents: number) => formatMoney(cents, active.pricing.currency, DEFAULT_LOCALE);

  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">Pricing</h1>
      <p className="mt-1 text-sm text-zinc-600">
        Active: version {active.version}, 1 token = {active.pricing.microUsdPerToken} µ$ of provider cost. Saving
        creates version {active.version + 1}; ledger rows keep the version they were priced with.
      </p>
      <div className="mt-6 space-y-6">
        <PricingEditor pricing={editable(active.pricing)} save={savePricingAction} />
        <NewTierForm baseVersion={active.version} addTier={addTierAction} />
        <ModelPricesTable rows={modelPriceRows(listedModels(active.pricing.modelPriceOverrides), active.pricing)} />
        <section aria-label="Version history" className="rounded-lg border border-zinc-200 bg-white p-4">
          <h2 className="text-lg font-semibold text-zinc-900">History</h2>
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-sm">
              <thead className="text-zinc-600">
                <tr>
                  <th className="px-3 py-2 text-left font-medium">Version</th>
                  <th className="px-3 py-2 text-left font-medium">Created</th>
                  <th className="px-3 py-2 text-left font-medium">By</th>
                  <th className="px-3 py-2 text-left font-medium">Note</th>
                  <th className="px-3 py-2 text-left font-medium">Plans</th>
                  <th className="px-3 py-2 text-left font-medium">Packs</th>
                  <th className="px-3 py-2 text-right font-medium">Free tier</th>
                  <th className="px-3 py-2 text-right font-medium">µ$ / token</th>
                  <th className="px-3 py-2 text-right font-medium">Overrides</th>
                  <th className="px-3 py-2 text-left font-medium">Catalogue</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 align-top">
                {history.map((h) => (
                  <tr key={h.version}>
                    <td className="px-3 py-2 font-medium">
                      v{h.version}
                      {h === active && (
                        <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800">
                          active
                        </span>
                      )}
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {formatDateTime(h.createdAt, DEFAULT_LOCALE, "UTC")}
                    </td>
                    <td className="px-3 py-2">{h.createdByEmail ?? (h.createdBy ? h.createdBy : "seed")}</td>
                    <td className="px-3 py-2">{h.note}</td>
                    <td className="px-3 py-2 text-xs">
                      {h.pricing.plans.map((p) => `${p.name} ${money(p.priceCents)}`).join(", ")}
                    </td>
                    <td className="px-3 py-2 text-xs">
                      {h.pricing.packs.map((p) => `${p.name} ${money(p.priceCents)}`).join(", ")}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {Number(h.pricing.freeTierMillitokens / 1000n).toLocaleString("en-US")}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{h.pricing.microUsdPerToken}</td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {Object.keys(h.pricing.modelPriceOverrides).length}
                    </td>
                    <td className="px-3 py-2 text-xs">{h.catalogueVersion ?? "not recorded"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </>
  );
}
