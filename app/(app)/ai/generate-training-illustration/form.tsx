"use client";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { AiForm, inputClass } from "@/components/ai/ai-form";
import { ILLUSTRATION_DEFAULTS, ILLUSTRATION_QUALITIES, ILLUSTRATION_SIZES } from "@/lib/ai/training-illustration";
import { estimateAction } from "../actions";

export function IllustrationForm({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const t = useTranslations("ai.illustration");
  const [description, setDescription] = useState("");
  const [size, setSize] = useState<string>(ILLUSTRATION_DEFAULTS.size);
  const [quality, setQuality] = useState<string>(ILLUSTRATION_DEFAULTS.quality);
  const ids = { description: useId(), size: useId(), quality: useId() };
  const ready = description.trim().length >= 3;
  return (
    <AiForm
      slug="generate-training-illustration"
      routePath={routePath}
      typicalTokens={typicalTokens}
      estimateAction={estimateAction}
      // The price is the image's (size and quality: shown before anything is typed) plus the prompt's tokens.
      estimatePayload={ready ? { size, quality, description: description.trim() } : { size, quality }}
      buildRequest={() =>
        ready
          ? {
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ description: description.trim(), size, quality }),
            }
          : null
      }
      resultKey="image"
      resultTitle={t("result")}
      submitLabel={t("submit")}
      renderResult={(image) => (
        <figure className="rounded-lg border border-zinc-200 bg-white p-4" data-testid="ai-result">
          {/* eslint-disable-next-line @next/next/no-img-element -- a generated data URL, not an optimisable asset */}
          <img
            src={String(image)}
            alt={t("alt", { description })}
            className="mx-auto max-h-[32rem] rounded-md"
            data-testid="illustration"
          />
          <figcaption className="mt-2 text-center text-sm text-zinc-600">{description}</figcaption>
        </figure>
      )}
    >
      <div>
        <label htmlFor={ids.description} className="block text-sm font-medium text-zinc-900">
          {t("exercise")}
        </label>
        <textarea
          id={ids.description}
          className={inputClass}
          rows={3}
          maxLength={1000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder={t("exercisePlaceholder")}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={ids.size} className="block text-sm font-medium text-zinc-900">
            {t("size")}
          </label>
          <select id={ids.size} className={inputClass} value={size} onChange={(e) => setSize(e.target.value)}>
            {ILLUSTRATION_SIZES.map((s) => (
              <option key={s} value={s}>
                {s.replace("x", " × ")}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.quality} className="block text-sm font-medium text-zinc-900">
            {t("quality")}
          </label>
          <select id={ids.quality} className={inputClass} value={quality} onChange={(e) => setQuality(e.target.value)}>
            {ILLUSTRATION_QUALITIES.map((q) => (
              <option key={q} value={q}>
                {t("qualityName", { quality: q })}
              </option>
            ))}
          </select>
        </div>
      </div>
    </AiForm>
  );
}
