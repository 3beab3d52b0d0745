"use client";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { AiForm, inputClass } from "@/components/ai/ai-form";
import { estimateAction } from "../actions";

// Each measurement with its starting value; its label is the message ai.refine.field.<key>.
const FIELDS = [
  ["neckCm", 38],
  ["shouldersCm", 115],
  ["chestCm", 98],
  ["waistCm", 84],
  ["hipsCm", 98],
  ["thighCm", 56],
  ["upperArmCm", 32],
  ["bodyFatPercent", 20],
] as const;

type Key = (typeof FIELDS)[number][0];

export function RefineForm({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const t = useTranslations("ai.refine");
  const [height, setHeight] = useState("175");
  const [scan, setScan] = useState<Record<Key, string>>(
    () => Object.fromEntries(FIELDS.map(([k, v]) => [k, String(v)])) as Record<Key, string>,
  );
  const [corrections, setCorrections] = useState<Partial<Record<Key, string>>>({});
  const heightId = useId();
  const baseId = useId();
  const valid =
    Number(height) >= 100 &&
    Number(height) <= 250 &&
    FIELDS.every(([k]) => scan[k] !== "" && Number.isFinite(Number(scan[k])));
  const input = valid
    ? {
        heightCm: Number(height),
        measurements: Object.fromEntries(FIELDS.map(([k]) => [k, Number(scan[k])])),
        corrections: Object.entries(corrections)
          .filter(([, v]) => v !== undefined && v !== "")
          .map(([measurement, value]) => ({ measurement, value: Number(value) })),
      }
    : null;
  return (
    <AiForm
      slug="scan-refine-morphs"
      routePath={routePath}
      typicalTokens={typicalTokens}
      estimateAction={estimateAction}
      estimatePayload={input}
      buildRequest={() =>
        input ? { headers: { "content-type": "application/json" }, body: JSON.stringify(input) } : null
      }
      resultKey="refined"
      resultTitle={t("result")}
      submitLabel={t("submit")}
    >
      <div className="max-w-48">
        <label htmlFor={heightId} className="block text-sm font-medium text-zinc-900">
          {t("height")}
        </label>
        <input
          id={heightId}
          type="number"
          min={100}
          max={250}
          className={inputClass}
          value={height}
          onChange={(e) => setHeight(e.target.value)}
        />
      </div>
      <fieldset>
        <legend className="text-sm font-medium text-zinc-900">{t("legend")}</legend>
        <p className="text-xs text-zinc-600">{t("legendHint")}</p>
        <div className="mt-2 grid gap-3 sm:grid-cols-2">
          {FIELDS.map(([key]) => (
            <div key={key} className="grid grid-cols-2 gap-2">
              <div>
                <label htmlFor={`${baseId}-${key}`} className="block text-xs text-zinc-700">
                  {t("scanned", { label: t(`field.${key}`) })}
                </label>
                <input
                  id={`${baseId}-${key}`}
                  type="number"
                  className={inputClass}
                  value={scan[key]}
                  onChange={(e) => setScan({ ...scan, [key]: e.target.value })}
                />
              </div>
              <div>
                <label htmlFor={`${baseId}-${key}-fix`} className="block text-xs text-zinc-700">
                  {t("correct", { label: t(`field.${key}`) })}
                </label>
                <input
                  id={`${baseId}-${key}-fix`}
                  type="number"
                  className={inputClass}
                  value={corrections[key] ?? ""}
                  onChange={(e) => setCorrections({ ...corrections, [key]: e.target.value })}
                />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    </AiForm>
  );
}
