// Photos as the vision features use them: the uploaded image as a data URL with its pixel size, or
// (for an estimate before the upload) only the size. The size is what makes the vision estimate exact.
import { z } from "zod";
import { BadRequestError } from "../tokens/metering/with-tokens";
import type { PromptImage } from "./structured";
import { imageDataUrl, imagesFromForm, readForm } from "./uploads";

export type Photo = PromptImage;

/** A photo's size as a page sends it for an estimate (read in the browser before the upload). */
export const photoSizeSchema = z.object({
  width: z.number().int().min(1).max(50_000),
  height: z.number().int().min(1).max(50_000),
});

/** A size-only photo: what an estimate needs (the URL is not sent anywhere). */
export const sizedPhoto = ({ width, height }: { width: number; height: number }): Photo => ({ url: "", width, height });

/** The photos a page describes for an estimate: one to `max` sizes. */
export const photoSizesSchema = (max: number) =>
  z.array(photoSizeSchema).min(1, "add a photo").max(max, `at most ${max} photos`);

/** A typical photo (1024×768 pixels): the registry's typical cost of a vision feature. */
export const TYPICAL_PHOTO = { width: 1024, height: 768 } as const;
export const typicalPhotos = (count: number): Photo[] => Array.from({ length: count }, () => sizedPhoto(TYPICAL_PHOTO));

/** The photos of a form field, checked (type, 10 MB) and measured, as data URLs. */
export async function photosFromForm(
  form: FormData,
  field: string,
  limits: { min: number; max: number; label: string },
): Promise<Photo[]> {
  const images = await imagesFromForm(form, field, limits);
  return images.map((image) => ({ url: imageDataUrl(image), width: image.width, height: image.height }));
}

export { readForm };

/** A text field of a form validated with `schema` (absent = undefined); a 400 names the field. */
export function formField<T>(form: FormData, field: string, schema: z.ZodType<T>): T {
  const raw = form.get(field);
  if (raw !== null && typeof raw !== "string") throw new BadRequestError(`The field "${field}" must be text.`);
  const value = raw === null || raw.trim() === "" ? undefined : raw;
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new BadRequestError(`Invalid ${field}: ${parsed.error.issues[0]?.message ?? "invalid value"}.`);
  return parsed.data;
}
