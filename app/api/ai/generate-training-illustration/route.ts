// POST /api/ai/generate-training-illustration — exercise description → illustration, metered: the
// hold is the exact price of one image of the requested size and quality; the charge is the image
// the provider returned. Answers `{ image: "data:image/png;base64,…", size, quality, tokens }`.
import { openai } from "@/lib/ai/client";
import { withTokens } from "@/lib/ai/metered";
import { estimateIllustration, generateIllustration, illustrationRequestSchema } from "@/lib/ai/training-illustration";

export const POST = withTokens(
  "generate-training-illustration",
  async ({ input, meter, signal }) => generateIllustration(openai(), input, meter, signal),
  {
    input: illustrationRequestSchema,
    estimate: (input, { engine }) => estimateIllustration(engine, input),
    ttlMs: 5 * 60_000,
  },
);
