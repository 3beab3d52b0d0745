// Any structured AI answer, readable without a page of its own: objects become labelled lists,
// arrays of objects become cards, arrays of text become bullet lists. Labels come from the keys
// ("proteinG" → "Protein (g)"; the answer's keys and text are the model's, in English). Server- and
// client-safe; the panel's own words (yes, no, none) are the user's language.
import type { ReactNode } from "react";
import { useTranslations } from "next-intl";

const UNITS: [RegExp, string][] = [
  [/Cm$/, " (cm)"],
  [/G$/, " (g)"],
  [/Kg$/, " (kg)"],
  [/Percent$/, " (%)"],
  [/Minutes$/, " (min)"],
];

export function labelOf(key: string): string {
  let unit = "";
  let base = key;
  for (const [pattern, suffix] of UNITS) {
    if (pattern.test(key)) {
      unit = suffix;
      base = key.replace(pattern, "");
      break;
    }
  }
  const words = base
    .replace(/_/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1) + unit;
}

function Value({ value }: { value: unknown }): ReactNode {
  const t = useTranslations("ai.result");
  if (value === null || value === undefined) return <span className="text-zinc-500">—</span>;
  if (typeof value === "number")
    return <span className="tabular-nums">{Number.isInteger(value) ? value : Math.round(value * 100) / 100}</span>;
  if (typeof value === "string") return <span>{value.replace(/_/g, " ")}</span>;
  if (typeof value === "boolean") return <span>{value ? t("yes") : t("no")}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="text-zinc-500">{t("none")}</span>;
    if (value.every((v) => typeof v !== "object" || v === null)) {
      return (
        <ul className="list-disc space-y-1 pl-5">
          {value.map((v, i) => (
            <li key={i}>
              <Value value={v} />
            </li>
          ))}
        </ul>
      );
    }
    return (
      <ol className="grid gap-3 sm:grid-cols-2">
        {value.map((v, i) => (
          <li key={i} className="rounded-md border border-zinc-200 bg-zinc-50 p-3">
            <Value value={v} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === "object") {
    return (
      <dl className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
        {Object.entries(value as Record<string, unknown>).map(([key, v]) => {
          const nested = typeof v === "object" && v !== null;
          return nested ? (
            <div key={key} className="col-span-2 mt-2">
              <dt className="font-medium text-zinc-900">{labelOf(key)}</dt>
              <dd className="mt-1">
                <Value value={v} />
              </dd>
            </div>
          ) : (
            <div key={key} className="contents">
              <dt className="text-zinc-600">{labelOf(key)}</dt>
              <dd className="break-words text-zinc-900">
                <Value value={v} />
              </dd>
            </div>
          );
        })}
      </dl>
    );
  }
  return <span>{String(value)}</span>;
}

export function ResultPanel({ title, data, children }: { title: string; data: unknown; children?: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-zinc-200 bg-white p-4" data-testid="ai-result">
      <h2 className="text-lg font-semibold text-zinc-900">{title}</h2>
      {children}
      <div className="mt-3">
        <Value value={data} />
      </div>
    </section>
  );
}
