// Meal analyzer: a meal photo (and an optional note) → the foods on it, their portions and macros.
// multipart { photo, note? } → { analysis, attempts, tokens }, metered.
import { z } from "zod";
import { structuredFeature } from "../structured-feature";
import { maxUploadBodyBytes } from "../uploads";
import { FEATURE_MODELS } from "../models";
import {
  formField,
  photosFromForm,
  photoSizesSchema,
  readForm,
  sizedPhoto,
  typicalPhotos,
  type Photo,
} from "../photos";
import type { StructuredCall } from "../structured";

export const MEAL_MODEL = FEATURE_MODELS["meal-analyzer"];
export const MEAL_MAX_OUTPUT_TOKENS = 2_000;

export const mealNoteSchema = z.string().trim().max(500, "must be at most 500 characters").optional();

export interface MealInput {
  photo: Photo;
  note?: string;
}

/** The multipart form of a meal analysis: `photo` (one image) and an optional `note`. */
export async function parseMealForm(request: Request, body: Buffer): Promise<MealInput> {
  const form = await readForm(request, body);
  const note = formField(form, "note", mealNoteSchema);
  const [photo] = await photosFromForm(form, "photo", { min: 1, max: 1, label: "meal photo" });
  return { photo: photo!, note };
}

const macros = {
  calories: z.number().int().min(0).max(5_000),
  proteinG: z.number().min(0).max(500),
  carbsG: z.number().min(0).max(1_000),
  fatG: z.number().min(0).max(500),
};

export const mealOutputSchema = z.object({
  foods: z
    .array(
      z.object({
        name: z.string().min(1).max(80),
        portion: z.string().min(1).max(60),
        grams: z.number().int().min(1).max(2_000),
        ...macros,
      }),
    )
    .min(1)
    .max(15),
  totals: z.object(macros),
  mealType: z.enum(["breakfast", "lunch", "dinner", "snack"]),
  confidence: z.enum(["low", "medium", "high"]),
  advice: z.string().min(1).max(400),
});
export type MealAnalysis = z.infer<typeof mealOutputSchema>;

const SYSTEM = [
  "You are the TwinForge nutrition coach analysing a photo of a meal.",
  "List each food you can see with its portion (in words and in grams) and its calories, protein, carbs and fat.",
  "totals is the sum over the foods. Say how confident you are, and give one short piece of advice about the meal.",
  'If the photo shows no food, return one food named "no food visible" with zero values and low confidence.',
].join(" ");

export function mealCall(input: MealInput): StructuredCall<MealAnalysis> {
  return {
    model: MEAL_MODEL,
    name: "meal_analysis",
    schema: mealOutputSchema,
    system: SYSTEM,
    user: input.note ? `Analyse this meal. The user adds: ${input.note}` : "Analyse this meal.",
    images: [input.photo],
    maxOutputTokens: MEAL_MAX_OUTPUT_TOKENS,
  };
}

export const mealAnalyzer = structuredFeature({
  slug: "meal-analyzer",
  model: MEAL_MODEL,
  parse: parseMealForm,
  // The page describes the photo by its size (read in the browser before the upload).
  pageInput: z
    .object({ photos: photoSizesSchema(1), note: mealNoteSchema })
    .transform(({ photos, note }): MealInput => ({ photo: sizedPhoto(photos[0]!), note })),
  maxBodyBytes: maxUploadBodyBytes(1),
  call: mealCall,
  resultKey: "analysis",
  page: {
    title: "Meal analyzer",
    description: "A photo of your meal: foods, portions and macros.",
    kind: "vision",
    typicalRequest: "one 1024×768 meal photo",
    typical: { input: { photo: typicalPhotos(1)[0]! }, outputTokens: 700 },
  },
});
