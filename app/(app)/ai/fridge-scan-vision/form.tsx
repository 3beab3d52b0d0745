"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { AiForm } from "@/components/ai/ai-form";
import { ImageUploadField, type PickedImage } from "@/components/ai/upload-field";
import { estimateAction } from "../actions";

export function FridgeForm({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const t = useTranslations("ai.fridge");
  const [photos, setPhotos] = useState<PickedImage[]>([]);
  return (
    <AiForm
      slug="fridge-scan-vision"
      routePath={routePath}
      typicalTokens={typicalTokens}
      estimateAction={estimateAction}
      estimatePayload={photos.length ? { photos: photos.map(({ width, height }) => ({ width, height })) } : null}
      buildRequest={() => {
        if (!photos.length) return null;
        const body = new FormData();
        for (const photo of photos) body.append("photo", photo.file);
        return { body };
      }}
      resultKey="inventory"
      resultTitle={t("result")}
      submitLabel={t("submit")}
      idleHint={t("idle")}
    >
      <ImageUploadField label={t("photos")} max={3} onChange={setPhotos} />
    </AiForm>
  );
}
