// POST /api/ai/recipe-generator — JSON { ingredients, goal, servings?, maxCaloriesPerServing?, restrictions?, recipes? } → { recipes, attempts, tokens }, metered.
import { withTokens } from "@/lib/ai/metered";
import { recipeCall, recipeInputSchema } from "@/lib/ai/recipe-generator";
import { estimateStructured, structuredCompletion } from "@/lib/ai/structured";

export const POST = withTokens(
  "recipe-generator",
  async ({ input, meter, signal }) => {
    const { value, attempts } = await structuredCompletion(meter, recipeCall(input), signal);
    return { recipes: value, attempts };
  },
  { input: recipeInputSchema, estimate: (input, { engine }) => estimateStructured(engine, recipeCall(input)) },
);
