// Activity analyzer: a free-text activity log → the activities, their calories and intensity, and
// advice. JSON { description, weightKg? } → { analysis, attempts, tokens }, metered.
import { z } from "zod";
import { structuredFeature } from "../structured-feature";
import { FEATURE_MODELS } from "../models";
import type { StructuredCall } from "../structured";

export const ACTIVITY_MODEL = FEATURE_MODELS["activity-analyzer"];
export const ACTIVITY_MAX_OUTPUT_TOKENS = 1_500;

export const activityInputSchema = z.object({
  description: z
    .string()
    .trim()
    .min(3, "describe the activity in a few words")
    .max(2_000, "must be at most 2,000 characters"),
  weightKg: z.number().min(25, "must be at least 25 kg").max(300, "must be at most 300 kg").optional(),
});
export type ActivityInput = z.infer<typeof activityInputSchema>;

const intensity = z.enum(["low", "moderate", "high", "very_high"]);

export const activityOutputSchema = z.object({
  activities: z
    .array(
      z.object({
        name: z.string().min(1).max(80),
        durationMinutes: z.number().int().min(1).max(600),
        intensity,
        met: z.number().min(1).max(20),
        calories: z.number().int().min(0).max(5_000),
      }),
    )
    .min(1)
    .max(10),
  totalCalories: z.number().int().min(0).max(20_000),
  overallIntensity: intensity,
  advice: z.array(z.string().min(1).max(300)).min(1).max(4),
});
export type ActivityAnalysis = z.infer<typeof activityOutputSchema>;

const SYSTEM = [
  "You are the TwinForge coach analysing a user's activity log.",
  "Split it into activities; estimate each one's duration, intensity, MET value and calories burned",
  "(calories = MET × body weight in kg × hours; assume 70 kg when no weight is given).",
  "totalCalories is the sum. Give one to four short, concrete pieces of advice about recovery, progression or safety.",
].join(" ");

export function activityCall(input: ActivityInput): StructuredCall<ActivityAnalysis> {
  return {
    model: ACTIVITY_MODEL,
    name: "activity_analysis",
    schema: activityOutputSchema,
    system: SYSTEM,
    user: `${input.weightKg ? `Body weight: ${input.weightKg} kg.\n` : ""}Activity log:\n${input.description}`,
    maxOutputTokens: ACTIVITY_MAX_OUTPUT_TOKENS,
  };
}

export const activityAnalyzer = structuredFeature({
  slug: "activity-analyzer",
  model: ACTIVITY_MODEL,
  input: activityInputSchema,
  call: activityCall,
  resultKey: "analysis",
  page: {
    title: "Activity analyzer",
    description: "Describe a workout in your words: calories, intensity and advice.",
    kind: "structured",
    typicalRequest: "a two-sentence activity log",
    typical: {
      input: {
        description: "Ran 8 km in 45 minutes this morning, then 20 minutes of stretching and core work.",
        weightKg: 72,
      },
      outputTokens: 450,
    },
  },
});
