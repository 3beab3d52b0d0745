"use client";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { AiForm, inputClass } from "@/components/ai/ai-form";
import { ImageUploadField, type PickedImage } from "@/components/ai/upload-field";
import { estimateAction } from "../actions";

export function MealForm({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const t = useTranslations("ai.meal");
  const [photos, setPhotos] = useState<PickedImage[]>([]);
  const [note, setNote] = useState("");
  const noteId = useId();
  const photo = photos[0];
  return (
    <AiForm
      slug="meal-analyzer"
      routePath={routePath}
      typicalTokens={typicalTokens}
      estimateAction={estimateAction}
      estimatePayload={
        photo ? { photos: [{ width: photo.width, height: photo.height }], note: note.trim() || undefined } : null
      }
      buildRequest={() => {
        if (!photo) return null;
        const body = new FormData();
        body.append("photo", photo.file);
        if (note.trim()) body.append("note", note.trim());
        return { body };
      }}
      resultKey="analysis"
      resultTitle={t("result")}
      submitLabel={t("submit")}
      idleHint={t("idle")}
    >
      <ImageUploadField label={t("photo")} onChange={setPhotos} />
      <div>
        <label htmlFor={noteId} className="block text-sm font-medium text-zinc-900">
          {t("note")}
        </label>
        <input
          id={noteId}
          className={inputClass}
          maxLength={500}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t("notePlaceholder")}
        />
      </div>
    </AiForm>
  );
}
