"use client";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { AiForm, inputClass } from "@/components/ai/ai-form";
import { ImageUploadField, type PickedImage } from "@/components/ai/upload-field";
import { estimateAction } from "../actions";

export function ScanForm({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const t = useTranslations("ai.scan");
  const [photos, setPhotos] = useState<PickedImage[]>([]);
  const [height, setHeight] = useState("");
  const [sex, setSex] = useState("unspecified");
  const heightId = useId();
  const sexId = useId();
  const heightCm = Number(height);
  const complete = photos.length > 0 && height !== "" && heightCm >= 100 && heightCm <= 250;
  return (
    <AiForm
      slug="scan-estimate"
      routePath={routePath}
      typicalTokens={typicalTokens}
      estimateAction={estimateAction}
      estimatePayload={
        complete ? { photos: photos.map(({ width, height }) => ({ width, height })), heightCm, sex } : null
      }
      buildRequest={() => {
        if (!complete) return null;
        const body = new FormData();
        for (const photo of photos) body.append("photo", photo.file);
        body.append("heightCm", String(heightCm));
        body.append("sex", sex);
        return { body };
      }}
      resultKey="scan"
      resultTitle={t("result")}
      submitLabel={t("submit")}
      idleHint={t("idle")}
    >
      <ImageUploadField label={t("photos")} max={3} onChange={setPhotos} />
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={heightId} className="block text-sm font-medium text-zinc-900">
            {t("height")}
          </label>
          <input
            id={heightId}
            type="number"
            inputMode="numeric"
            min={100}
            max={250}
            required
            className={inputClass}
            value={height}
            onChange={(e) => setHeight(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={sexId} className="block text-sm font-medium text-zinc-900">
            {t("sex")}
          </label>
          <select id={sexId} className={inputClass} value={sex} onChange={(e) => setSex(e.target.value)}>
            <option value="unspecified">{t("sexUnspecified")}</option>
            <option value="female">{t("sexFemale")}</option>
            <option value="male">{t("sexMale")}</option>
          </select>
        </div>
      </div>
    </AiForm>
  );
}
