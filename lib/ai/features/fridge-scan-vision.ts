// Fridge scan: photos of the fridge → an inventory of the ingredients in it.
// multipart { photo (1–3) } → { inventory, attempts, tokens }, metered.
import { z } from "zod";
import { structuredFeature } from "../structured-feature";
import { maxUploadBodyBytes } from "../uploads";
import { FEATURE_MODELS } from "../models";
import { photosFromForm, photoSizesSchema, readForm, sizedPhoto, typicalPhotos, type Photo } from "../photos";
import type { StructuredCall } from "../structured";

export const FRIDGE_MODEL = FEATURE_MODELS["fridge-scan-vision"];
export const FRIDGE_MAX_OUTPUT_TOKENS = 2_500;
export const FRIDGE_MAX_PHOTOS = 3;

export interface FridgeInput {
  photos: Photo[];
}

/** The multipart form of a fridge scan: `photo`, one to three images (shelves, door). */
export async function parseFridgeForm(request: Request, body: Buffer): Promise<FridgeInput> {
  const form = await readForm(request, body);
  return { photos: await photosFromForm(form, "photo", { min: 1, max: FRIDGE_MAX_PHOTOS, label: "fridge photo" }) };
}

export const fridgeOutputSchema = z.object({
  items: z
    .array(
      z.object({
        name: z.string().min(1).max(60),
        category: z.enum([
          "vegetable",
          "fruit",
          "dairy",
          "meat",
          "fish",
          "eggs",
          "grain",
          "condiment",
          "drink",
          "leftovers",
          "other",
        ]),
        quantity: z.number().min(0).max(100),
        unit: z.enum(["piece", "g", "kg", "ml", "l", "pack", "jar", "bottle"]),
        freshness: z.enum(["fresh", "use_soon", "past_best"]),
      }),
    )
    .min(0)
    .max(40),
  summary: z.string().min(1).max(400),
});
export type FridgeInventory = z.infer<typeof fridgeOutputSchema>;

const SYSTEM = [
  "You are the TwinForge kitchen assistant taking stock of a fridge from photos.",
  "List every food item you can identify once, with its category, an estimated quantity and unit,",
  "and whether it looks fresh, should be used soon, or is past its best. Summarise the inventory in one or two sentences.",
].join(" ");

export function fridgeCall(input: FridgeInput): StructuredCall<FridgeInventory> {
  return {
    model: FRIDGE_MODEL,
    name: "fridge_inventory",
    schema: fridgeOutputSchema,
    system: SYSTEM,
    user:
      input.photos.length > 1
        ? `List the ingredients in these ${input.photos.length} photos of my fridge.`
        : "List the ingredients in this photo of my fridge.",
    images: input.photos,
    maxOutputTokens: FRIDGE_MAX_OUTPUT_TOKENS,
  };
}

export const fridgeScanVision = structuredFeature({
  slug: "fridge-scan-vision",
  model: FRIDGE_MODEL,
  parse: parseFridgeForm,
  pageInput: z
    .object({ photos: photoSizesSchema(FRIDGE_MAX_PHOTOS) })
    .transform(({ photos }): FridgeInput => ({ photos: photos.map(sizedPhoto) })),
  maxBodyBytes: maxUploadBodyBytes(FRIDGE_MAX_PHOTOS),
  call: fridgeCall,
  resultKey: "inventory",
  page: {
    title: "Fridge scan",
    description: "A photo of your fridge: the ingredients in it.",
    kind: "vision",
    typicalRequest: "one 1024×768 fridge photo",
    typical: { input: { photos: typicalPhotos(1) }, outputTokens: 900 },
  },
});
