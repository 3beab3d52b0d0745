"use client";
// An image picker for the vision features: accessible label and hint, the allowed types and the
// 10 MB limit checked in the browser for a quick message (the server checks again, from the bytes),
// previews, and each image's pixel size (what makes the cost estimate exact).
import { useEffect, useId, useState } from "react";
import { useTranslations } from "next-intl";

export const ACCEPTED_IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"];
export const MAX_IMAGE_MB = 10;

export interface PickedImage {
  file: File;
  width: number;
  height: number;
  previewUrl: string;
}

async function measure(file: File): Promise<PickedImage> {
  const previewUrl = URL.createObjectURL(file);
  const size = await new Promise<{ width: number; height: number }>((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight });
    image.onerror = () => reject(new Error("unreadable"));
    image.src = previewUrl;
  });
  return { file, previewUrl, ...size };
}

export function ImageUploadField({
  label,
  hint,
  name = "photo",
  max = 1,
  onChange,
  disabled,
}: {
  label: string;
  hint?: string;
  name?: string;
  max?: number;
  onChange(images: PickedImage[]): void;
  disabled?: boolean;
}) {
  const t = useTranslations("ai.upload");
  const id = useId();
  const [images, setImages] = useState<PickedImage[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => () => images.forEach((image) => URL.revokeObjectURL(image.previewUrl)), [images]);

  async function pick(files: FileList | null) {
    setProblem(null);
    const list = Array.from(files ?? []);
    if (list.length > max) return fail(t("tooMany", { max }));
    for (const file of list) {
      if (!ACCEPTED_IMAGE_TYPES.includes(file.type)) return fail(t("wrongType", { name: file.name }));
      if (file.size > MAX_IMAGE_MB * 1024 * 1024) return fail(t("tooLarge", { name: file.name, mb: MAX_IMAGE_MB }));
    }
    try {
      const picked = await Promise.all(list.map(measure));
      setImages(picked);
      onChange(picked);
    } catch {
      fail(t("unreadable"));
    }
  }

  function fail(message: string) {
    setProblem(message);
    setImages([]);
    onChange([]);
  }

  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-900">
        {label}
      </label>
      <p id={`${id}-hint`} className="text-xs text-zinc-600">
        {hint ?? t("hint", { mb: MAX_IMAGE_MB, max })}
      </p>
      <input
        id={id}
        name={name}
        type="file"
        accept={ACCEPTED_IMAGE_TYPES.join(",")}
        multiple={max > 1}
        disabled={disabled}
        aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ""}`}
        aria-invalid={problem ? true : undefined}
        onChange={(event) => void pick(event.currentTarget.files)}
        className="mt-2 block w-full text-sm text-zinc-700 file:mr-3 file:rounded-md file:border-0 file:bg-zinc-900 file:px-3 file:py-2 file:text-sm file:font-medium file:text-white hover:file:bg-zinc-700"
      />
      {problem && (
        <p id={`${id}-problem`} role="alert" className="mt-1 text-sm text-red-700">
          {problem}
        </p>
      )}
      {images.length > 0 && (
        <ul className="mt-3 flex flex-wrap gap-3">
          {images.map((image) => (
            <li key={image.previewUrl} className="text-xs text-zinc-600">
              {/* eslint-disable-next-line @next/next/no-img-element -- a local object URL preview, not an optimisable asset */}
              <img
                src={image.previewUrl}
                alt={t("preview", { name: image.file.name })}
                className="h-24 w-24 rounded-md border border-zinc-200 object-cover"
              />
              <span className="mt-1 block">
                {image.width}×{image.height}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
