// POST /api/ai/meal-analyzer — multipart { photo, note? } → { analysis, attempts, tokens }, metered.
import { mealCall, parseMealForm } from "@/lib/ai/meal-analyzer";
import { withTokens } from "@/lib/ai/metered";
import { estimateStructured, structuredCompletion } from "@/lib/ai/structured";
import { maxUploadBodyBytes } from "@/lib/ai/uploads";

export const POST = withTokens(
  "meal-analyzer",
  async ({ input, meter, signal }) => {
    const { value, attempts } = await structuredCompletion(meter, mealCall(input), signal);
    return { analysis: value, attempts };
  },
  { parse: parseMealForm, estimate: (input, { engine }) => estimateStructured(engine, mealCall(input)), maxBodyBytes: maxUploadBodyBytes(1) },
);
