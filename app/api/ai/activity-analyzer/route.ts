// POST /api/ai/activity-analyzer — JSON { description, weightKg? } → { analysis, attempts, tokens }, metered.
import { activityCall, activityInputSchema } from "@/lib/ai/activity-analyzer";
import { withTokens } from "@/lib/ai/metered";
import { estimateStructured, structuredCompletion } from "@/lib/ai/structured";

export const POST = withTokens(
  "activity-analyzer",
  async ({ input, meter, signal }) => {
    const { value, attempts } = await structuredCompletion(meter, activityCall(input), signal);
    return { analysis: value, attempts };
  },
  { input: activityInputSchema, estimate: (input, { engine }) => estimateStructured(engine, activityCall(input)) },
);
