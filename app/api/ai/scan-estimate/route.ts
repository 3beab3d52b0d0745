// POST /api/ai/scan-estimate — multipart { photo (1–3), heightCm, sex? } → { scan, attempts, tokens }, metered.
import { withTokens } from "@/lib/ai/metered";
import { SCAN_MAX_PHOTOS, parseScanForm, scanCall } from "@/lib/ai/scan-estimate";
import { estimateStructured, structuredCompletion } from "@/lib/ai/structured";
import { maxUploadBodyBytes } from "@/lib/ai/uploads";

export const POST = withTokens(
  "scan-estimate",
  async ({ input, meter, signal }) => {
    const { value, attempts } = await structuredCompletion(meter, scanCall(input), signal);
    return { scan: value, attempts };
  },
  { parse: parseScanForm, estimate: (input, { engine }) => estimateStructured(engine, scanCall(input)), maxBodyBytes: maxUploadBodyBytes(SCAN_MAX_PHOTOS) },
);
