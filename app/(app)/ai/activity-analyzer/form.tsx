"use client";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { AiForm, inputClass } from "@/components/ai/ai-form";
import { estimateAction } from "../actions";

export function ActivityForm({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const t = useTranslations("ai.activity");
  const [description, setDescription] = useState("");
  const [weight, setWeight] = useState("");
  const descriptionId = useId();
  const weightId = useId();
  const weightKg = weight === "" ? undefined : Number(weight);
  const input =
    description.trim().length >= 3 ? { description: description.trim(), ...(weightKg ? { weightKg } : {}) } : null;
  return (
    <AiForm
      slug="activity-analyzer"
      routePath={routePath}
      typicalTokens={typicalTokens}
      estimateAction={estimateAction}
      estimatePayload={input}
      buildRequest={() =>
        input ? { headers: { "content-type": "application/json" }, body: JSON.stringify(input) } : null
      }
      resultKey="analysis"
      resultTitle={t("result")}
      submitLabel={t("submit")}
      idleHint={t("idle")}
    >
      <div>
        <label htmlFor={descriptionId} className="block text-sm font-medium text-zinc-900">
          {t("description")}
        </label>
        <textarea
          id={descriptionId}
          rows={4}
          maxLength={2000}
          className={inputClass}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder={t("descriptionPlaceholder")}
        />
      </div>
      <div className="max-w-48">
        <label htmlFor={weightId} className="block text-sm font-medium text-zinc-900">
          {t("weight")}
        </label>
        <input
          id={weightId}
          type="number"
          inputMode="decimal"
          min={25}
          max={300}
          className={inputClass}
          value={weight}
          onChange={(e) => setWeight(e.target.value)}
        />
      </div>
    </AiForm>
  );
}
