// Recipe generator: the ingredients at hand and the user's goals → recipes that use them. JSON
// { ingredients, goal, servings?, maxCaloriesPerServing?, restrictions?, recipes? } → { recipes, attempts, tokens }, metered.
import { z } from "zod";
import { structuredFeature } from "../structured-feature";
import { FEATURE_MODELS } from "../models";
import type { StructuredCall } from "../structured";

export const RECIPE_MODEL = FEATURE_MODELS["recipe-generator"];
export const RECIPE_MAX_OUTPUT_TOKENS = 4_000;

export const recipeGoals = ["lose_fat", "build_muscle", "maintain", "performance"] as const;

export const recipeInputSchema = z.object({
  ingredients: z
    .array(z.string().trim().min(1, "must not be empty").max(60, "must be at most 60 characters"))
    .min(1, "must list at least one ingredient")
    .max(40, "must list at most 40 ingredients"),
  goal: z.enum(recipeGoals),
  servings: z.number().int().min(1, "must be at least 1").max(8, "must be at most 8").default(2),
  maxCaloriesPerServing: z
    .number()
    .int()
    .min(100, "must be at least 100")
    .max(3_000, "must be at most 3,000")
    .optional(),
  restrictions: z.array(z.string().trim().min(1).max(40)).max(10, "must list at most 10 restrictions").default([]),
  recipes: z.number().int().min(1, "must be at least 1").max(3, "must be at most 3").default(2),
});
export type RecipeInput = z.input<typeof recipeInputSchema>;
export type RecipeRequest = z.output<typeof recipeInputSchema>;

export const recipeOutputSchema = z.object({
  recipes: z
    .array(
      z.object({
        title: z.string().min(1).max(80),
        servings: z.number().int().min(1).max(8),
        prepMinutes: z.number().int().min(1).max(240),
        ingredients: z
          .array(z.object({ name: z.string().min(1).max(60), quantity: z.string().min(1).max(40) }))
          .min(1)
          .max(25),
        steps: z.array(z.string().min(1).max(300)).min(1).max(12),
        perServing: z.object({
          calories: z.number().int().min(0).max(3_000),
          proteinG: z.number().min(0).max(300),
          carbsG: z.number().min(0).max(500),
          fatG: z.number().min(0).max(300),
        }),
        missingIngredients: z.array(z.string().min(1).max(60)).max(5),
      }),
    )
    .min(1)
    .max(3),
  tip: z.string().min(1).max(300),
});
export type Recipes = z.infer<typeof recipeOutputSchema>;

const GOALS: Record<(typeof recipeGoals)[number], string> = {
  lose_fat: "losing fat (high protein, moderate calories, filling)",
  build_muscle: "building muscle (high protein, enough calories)",
  maintain: "maintaining weight (balanced)",
  performance: "sports performance (carbohydrates for training, protein for recovery)",
};

const SYSTEM = [
  "You are the TwinForge kitchen coach. Write recipes that mainly use the listed ingredients (basic pantry items",
  "such as oil, salt and spices may be added; anything else goes into missingIngredients, at most a few).",
  "Respect the goal, the dietary restrictions and the calorie limit per serving. Give realistic macros per serving.",
].join(" ");

export function recipeCall(input: RecipeRequest): StructuredCall<Recipes> {
  return {
    model: RECIPE_MODEL,
    name: "recipes",
    schema: recipeOutputSchema,
    system: SYSTEM,
    user: [
      `Ingredients: ${input.ingredients.join(", ")}.`,
      `Goal: ${GOALS[input.goal]}.`,
      `Servings: ${input.servings}. Recipes wanted: ${input.recipes}.`,
      input.maxCaloriesPerServing ? `At most ${input.maxCaloriesPerServing} kcal per serving.` : "",
      input.restrictions.length ? `Dietary restrictions: ${input.restrictions.join(", ")}.` : "",
    ]
      .filter(Boolean)
      .join("\n"),
    maxOutputTokens: RECIPE_MAX_OUTPUT_TOKENS,
  };
}

export const recipeGenerator = structuredFeature({
  slug: "recipe-generator",
  model: RECIPE_MODEL,
  input: recipeInputSchema,
  call: recipeCall,
  resultKey: "recipes",
  page: {
    title: "Recipe generator",
    description: "Your ingredients and goals: recipes that fit them.",
    kind: "structured",
    typicalRequest: "ten ingredients and a protein goal, three recipes",
    typical: {
      input: {
        ingredients: [
          "eggs",
          "spinach",
          "rice",
          "chicken breast",
          "tomatoes",
          "onion",
          "garlic",
          "greek yogurt",
          "oats",
          "bananas",
        ],
        goal: "build_muscle",
        servings: 2,
        restrictions: [],
        recipes: 2,
      },
      outputTokens: 1_400,
    },
  },
});
