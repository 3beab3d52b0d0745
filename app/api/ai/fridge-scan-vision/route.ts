// POST /api/ai/fridge-scan-vision — multipart { photo (1–3) } → { inventory, attempts, tokens }, metered.
import { FRIDGE_MAX_PHOTOS, fridgeCall, parseFridgeForm } from "@/lib/ai/fridge-scan-vision";
import { withTokens } from "@/lib/ai/metered";
import { estimateStructured, structuredCompletion } from "@/lib/ai/structured";
import { maxUploadBodyBytes } from "@/lib/ai/uploads";

export const POST = withTokens(
  "fridge-scan-vision",
  async ({ input, meter, signal }) => {
    const { value, attempts } = await structuredCompletion(meter, fridgeCall(input), signal);
    return { inventory: value, attempts };
  },
  { parse: parseFridgeForm, estimate: (input, { engine }) => estimateStructured(engine, fridgeCall(input)), maxBodyBytes: maxUploadBodyBytes(FRIDGE_MAX_PHOTOS) },
);
