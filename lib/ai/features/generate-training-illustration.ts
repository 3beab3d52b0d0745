// Exercise illustration: exercise description → illustration, metered: the hold is the prompt's
// tokens plus one image of the requested size and quality; the charge is the token usage the
// provider reports (prompt and image). Answers `{ image: "data:image/png;base64,…", size, quality, tokens }`.
import { openai } from "../client";
import { defineFeature } from "../feature";
import {
  estimateIllustration,
  generateIllustration,
  ILLUSTRATION_MODEL,
  illustrationRequestSchema,
} from "../training-illustration";

export const generateTrainingIllustration = defineFeature({
  slug: "generate-training-illustration",
  model: ILLUSTRATION_MODEL,
  input: illustrationRequestSchema,
  // The description is optional on the page: without it (nothing typed yet), the image alone; with it, the prompt's tokens too.
  pageInput: illustrationRequestSchema
    .pick({ size: true, quality: true, description: true })
    .partial({ description: true }),
  estimate: (input, { engine }) => estimateIllustration(engine, input),
  run: ({ input, meter, signal }) => generateIllustration(openai(), input, meter, signal),
  ttlMs: 5 * 60_000,
  page: {
    title: "Exercise illustration",
    description: "Describe an exercise: an illustration of it.",
    kind: "image",
    typicalRequest: "one 1024×1024 image at medium quality",
    typicalCost: (engine, model) =>
      engine.estimateImageCost(model, { count: 1, size: "1024x1024", quality: "medium" }).worstCase,
  },
});
