// POST /api/ai/scan-refine-morphs — JSON { heightCm, measurements, corrections, note? } → { refined, attempts, tokens }, metered.
import { withTokens } from "@/lib/ai/metered";
import { refineCall, refineInputSchema } from "@/lib/ai/scan-refine-morphs";
import { estimateStructured, structuredCompletion } from "@/lib/ai/structured";

export const POST = withTokens(
  "scan-refine-morphs",
  async ({ input, meter, signal }) => {
    const { value, attempts } = await structuredCompletion(meter, refineCall(input), signal);
    return { refined: value, attempts };
  },
  { input: refineInputSchema, estimate: (input, { engine }) => estimateStructured(engine, refineCall(input)) },
);
