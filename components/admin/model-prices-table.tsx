// The admin pricing page's model price table (a server component): per model, its source (the
// pinned catalogue and its date, our own table, an override) and its price per kind.
import type { ModelPriceRow } from "@/lib/admin/model-prices";
import { CATALOGUE } from "@/lib/tokens/cost/catalogue-version";

const SOURCE_BADGE: Record<NonNullable<ModelPriceRow["source"]>, string> = {
  catalogue: "bg-sky-100 text-sky-800",
  table: "bg-amber-100 text-amber-800",
  override: "bg-violet-100 text-violet-800",
};

export function ModelPricesTable({ rows }: { rows: ModelPriceRow[] }) {
  return (
    <section aria-label="Model prices" className="rounded-lg border border-zinc-200 bg-white p-4">
      <h2 className="text-lg font-semibold text-zinc-900">Model prices</h2>
      <p className="mt-1 text-sm text-zinc-600">
        What each call is charged, per model, and where the price comes from: the catalogue {CATALOGUE.package}@
        {CATALOGUE.version} of {CATALOGUE.date} (pinned: it changes only with a release of the app), our own table for
        what the catalogue lacks, or an override of the active version. Prices in $ per 1M tokens of each kind unless
        another unit is named.
      </p>
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-sm">
          <thead className="text-zinc-600">
            <tr>
              <th className="px-3 py-2 text-left font-medium">Model</th>
              <th className="px-3 py-2 text-left font-medium">Source</th>
              <th className="px-3 py-2 text-left font-medium">Price</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 align-top">
            {rows.map((row) => (
              <tr key={row.model} data-testid={`model-price-${row.model}`}>
                <td className="px-3 py-2">
                  <span className="font-medium">{row.model}</span>
                  {row.pricedAs && row.pricedAs !== row.model && (
                    <div className="text-xs text-zinc-500">priced as {row.pricedAs}</div>
                  )}
                  {row.features.length > 0 && (
                    <div className="text-xs text-zinc-500">used by {row.features.join(", ")}</div>
                  )}
                </td>
                <td className="px-3 py-2" data-testid="model-price-source">
                  {row.source ? (
                    <span className={`rounded-full px-2 py-0.5 text-xs ${SOURCE_BADGE[row.source]}`}>{row.source}</span>
                  ) : (
                    <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs text-red-800">no price</span>
                  )}
                  <div className="mt-1 text-xs text-zinc-600">{row.source ? row.sourceLabel : row.problem}</div>
                  {row.upcoming.map((u) => (
                    <div key={u} className="text-xs text-amber-700">
                      {u}
                    </div>
                  ))}
                </td>
                <td className="px-3 py-2 text-xs tabular-nums" data-testid="model-price-figures">
                  {row.figures.map((f) => (
                    <div key={f.what}>
                      {f.what}: {f.usd}
                      {f.per === "1M tokens" ? "" : ` / ${f.per}`}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
