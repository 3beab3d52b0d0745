// POST /api/ai/generate-training-illustration — exercise description → illustration, metered: the
// hold is the prompt's tokens plus one image of the requested size and quality; the charge is the
// token usage the provider reports (prompt and image). Answers `{ image: "data:image/png;base64,…", size, quality, tokens }`.
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
