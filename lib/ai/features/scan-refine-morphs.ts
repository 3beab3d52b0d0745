// Refine body shape: a scan's measurements and the user's corrections → refined body-shape
// parameters (the morph targets of the 3-D avatar, each in [-1, 1] around an average body).
// JSON { heightCm, measurements, corrections, note? } → { refined, attempts, tokens }, metered.
import { z } from "zod";
import { structuredFeature } from "../structured-feature";
import { FEATURE_MODELS } from "../models";
import { measurementsSchema } from "./scan-estimate";
import type { StructuredCall } from "../structured";

export const REFINE_MODEL = FEATURE_MODELS["scan-refine-morphs"];
export const REFINE_MAX_OUTPUT_TOKENS = 1_500;

const measurementNames = measurementsSchema.keyof();

export const refineInputSchema = z.object({
  heightCm: z.number().min(100, "must be at least 100 cm").max(250, "must be at most 250 cm"),
  measurements: measurementsSchema,
  corrections: z
    .array(
      z.object({
        measurement: measurementNames,
        value: z.number().min(1, "must be positive").max(250, "must be at most 250"),
      }),
    )
    .max(8, "must have at most 8 corrections"),
  note: z.string().trim().max(500, "must be at most 500 characters").optional(),
});
export type RefineInput = z.infer<typeof refineInputSchema>;

const morph = z.number().min(-1).max(1);

export const refineOutputSchema = z.object({
  morphs: z.object({
    shoulderWidth: morph,
    chest: morph,
    waist: morph,
    belly: morph,
    hips: morph,
    thighs: morph,
    arms: morph,
    muscleDefinition: morph,
  }),
  refinedMeasurements: measurementsSchema,
  rationale: z.string().min(1).max(500),
});
export type RefinedMorphs = z.infer<typeof refineOutputSchema>;

const SYSTEM = [
  "You are the TwinForge avatar fitter. Given a body scan's measurements and the user's corrections",
  "(which are true and override the scan), return the measurements made consistent with the corrections",
  "and the avatar's morph parameters: each between -1 (far below average for the height) and 1 (far above), 0 = average.",
  "Explain the main changes in one or two sentences.",
].join(" ");

export function refineCall(input: RefineInput): StructuredCall<RefinedMorphs> {
  const corrections = input.corrections.length
    ? input.corrections.map((c) => `${c.measurement} = ${c.value}`).join(", ")
    : "none";
  return {
    model: REFINE_MODEL,
    name: "refined_morphs",
    schema: refineOutputSchema,
    system: SYSTEM,
    user: [
      `Height: ${input.heightCm} cm.`,
      `Scanned measurements: ${JSON.stringify(input.measurements)}.`,
      `Corrections by the user: ${corrections}.`,
      input.note ? `Note: ${input.note}` : "",
    ]
      .filter(Boolean)
      .join("\n"),
    maxOutputTokens: REFINE_MAX_OUTPUT_TOKENS,
  };
}

export const scanRefineMorphs = structuredFeature({
  slug: "scan-refine-morphs",
  model: REFINE_MODEL,
  input: refineInputSchema,
  call: refineCall,
  resultKey: "refined",
  page: {
    title: "Refine body shape",
    description: "Correct your measurements: refined body-shape parameters.",
    kind: "structured",
    typicalRequest: "a scan's measurements with two corrections",
    typical: {
      input: {
        heightCm: 178,
        measurements: {
          neckCm: 38,
          shouldersCm: 118,
          chestCm: 100,
          waistCm: 86,
          hipsCm: 99,
          thighCm: 57,
          upperArmCm: 33,
          bodyFatPercent: 18,
        },
        corrections: [
          { measurement: "waistCm", value: 82 },
          { measurement: "hipsCm", value: 97 },
        ],
      },
      outputTokens: 500,
    },
  },
});
