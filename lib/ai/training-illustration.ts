// Exercise description → illustration (the original system's generate-training-illustration): its
// model, prompt, request schema, exact estimate and the call itself.
//
// gpt-image-1 is billed by tokens: the prompt's text tokens and the output image tokens, which
// (count, size, quality) fix. The hold is the prompt's exact token count plus the output tokens of
// the requested image; the charge is the token usage the response reports (`usage`), the prompt
// included. A response without usage (dall-e-*) is charged the per-image price of the images it
// returned, at the size and quality it reports.
import { z } from "zod";
import type OpenAI from "openai";
import { countTokens, resolvePrice, type BoundCostEngine, type ImageUsage } from "../tokens/cost";
import type { Estimate } from "../tokens/metering/with-tokens";
import type { Meter } from "../tokens/metering/meter";
import type { Usage } from "../tokens/cost";
import { providerCall } from "./attempts";
import { FEATURE_MODELS } from "./models";

export const ILLUSTRATION_MODEL = FEATURE_MODELS["generate-training-illustration"];

/** The sizes and qualities offered, per model family (each one priced in the cost engine's table). */
const OPTIONS = ILLUSTRATION_MODEL.startsWith("dall-e")
  ? { sizes: ["1024x1024", "1024x1792", "1792x1024"], qualities: ["standard", "hd"], defaultQuality: "standard" }
  : { sizes: ["1024x1024", "1024x1536", "1536x1024"], qualities: ["low", "medium", "high"], defaultQuality: "medium" };

export const ILLUSTRATION_SIZES = OPTIONS.sizes as readonly string[];
export const ILLUSTRATION_QUALITIES = OPTIONS.qualities as readonly string[];
export const ILLUSTRATION_DEFAULTS = { size: "1024x1024", quality: OPTIONS.defaultQuality } as const;

export const illustrationRequestSchema = z.object({
  description: z
    .string()
    .trim()
    .min(3, "must describe the exercise in at least 3 characters")
    .max(1_000, "must be at most 1,000 characters"),
  size: z
    .string()
    .refine((size) => ILLUSTRATION_SIZES.includes(size), `must be one of ${ILLUSTRATION_SIZES.join(", ")}`)
    .default(ILLUSTRATION_DEFAULTS.size),
  quality: z
    .string()
    .refine(
      (quality) => ILLUSTRATION_QUALITIES.includes(quality),
      `must be one of ${ILLUSTRATION_QUALITIES.join(", ")}`,
    )
    .default(ILLUSTRATION_DEFAULTS.quality),
});

export type IllustrationRequest = z.infer<typeof illustrationRequestSchema>;

/** The prompt sent to the image model: a clean instructional drawing, no text (models misspell it). */
export function illustrationPrompt(description: string): string {
  return [
    "A clear instructional fitness illustration of this exercise:",
    description,
    "Show one athletic person in the key position, correct form, side or three-quarter view,",
    "on a plain light background, flat vector style, no text, no labels, no watermark.",
  ].join(" ");
}

/**
 * The cost of one illustration of this size and quality: with the description, the prompt's tokens
 * included (what is held, and what the reported usage charges); without it, the image alone.
 */
export function estimateIllustration(
  engine: BoundCostEngine,
  input: Pick<IllustrationRequest, "size" | "quality"> & { description?: string },
): Estimate {
  return engine.estimateImageCost(ILLUSTRATION_MODEL, {
    count: 1,
    size: input.size,
    quality: input.quality,
    ...(input.description !== undefined ? { prompt: illustrationPrompt(input.description) } : {}),
  });
}

export interface Illustration {
  /** A data URL (image/png) the page can show and download as is. */
  image: string;
  size: string;
  quality: string;
  model: string;
  revisedPrompt: string | null;
}

/** The quality the response reports, unless it is absent or "auto" (then the requested one applies). */
function reportedQuality(quality: unknown): string | null {
  return typeof quality === "string" && quality !== "auto" ? quality : null;
}

/** The usage of the image requested, as gpt-image-1 bills it (its prompt's tokens and the image's output tokens). */
function requestedUsage(input: IllustrationRequest, prompt: string): ImageUsage {
  const usage: ImageUsage = { kind: "image", count: 1, size: input.size, quality: input.quality };
  const price = resolvePrice(ILLUSTRATION_MODEL).price;
  const output = price.kind === "image" ? price.tokens?.outputTokensPerImage?.[input.quality]?.[input.size] : undefined;
  if (output !== undefined)
    usage.tokens = { textInput: countTokens(ILLUSTRATION_MODEL, prompt), imageInput: 0, output };
  return usage;
}

/** The tokens an images response reports it billed (gpt-image-*), or undefined when it reports none. */
export function reportedImageTokens(usage: unknown): ImageUsage["tokens"] {
  const u = usage as
    | {
        input_tokens?: unknown;
        output_tokens?: unknown;
        input_tokens_details?: { text_tokens?: unknown; image_tokens?: unknown } | null;
      }
    | null
    | undefined;
  const count = (value: unknown) =>
    typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
  const output = count(u?.output_tokens);
  const input = count(u?.input_tokens);
  if (output === null || input === null) return undefined;
  const text = count(u?.input_tokens_details?.text_tokens);
  const image = count(u?.input_tokens_details?.image_tokens);
  // Without the details, all input is counted as image input (the dearer kind): never below the bill.
  if (text === null || image === null) return { textInput: 0, imageInput: input, output };
  return { textInput: text, imageInput: image, output };
}

/**
 * Generates the illustration and records its usage on the meter: the tokens the response reports
 * (gpt-image-*: prompt and image), with the number of images returned at the size and quality it
 * reports, or the ones requested (dall-e-*, whose responses carry neither).
 */
export async function generateIllustration(
  client: OpenAI,
  input: IllustrationRequest,
  meter: Meter<Usage>,
  signal?: AbortSignal,
): Promise<Illustration> {
  const gptImage = !ILLUSTRATION_MODEL.startsWith("dall-e");
  const prompt = illustrationPrompt(input.description);
  const response = await providerCall(
    () =>
      client.images.generate(
        {
          model: ILLUSTRATION_MODEL,
          prompt,
          n: 1,
          size: input.size as "1024x1024",
          quality: input.quality as "medium",
          // gpt-image-* always answers base64 and refuses response_format; dall-e-* needs it asked.
          ...(gptImage ? { output_format: "png" as const } : { response_format: "b64_json" as const }),
        },
        { signal },
      ),
    // No answer: the image may have been made and billed; it is charged as requested, prompt included.
    { signal, onUnanswered: () => meter.record(ILLUSTRATION_MODEL, requestedUsage(input, prompt)) },
  );
  const images = response.data ?? [];
  const usage: ImageUsage = {
    kind: "image",
    count: images.length,
    size: typeof response.size === "string" && response.size !== "auto" ? response.size : input.size,
    quality: reportedQuality(response.quality) ?? input.quality,
  };
  const tokens = reportedImageTokens(response.usage);
  if (tokens) usage.tokens = tokens;
  meter.record(ILLUSTRATION_MODEL, usage);
  const first = images[0];
  if (!first?.b64_json) throw new Error(`${ILLUSTRATION_MODEL} returned no image data`);
  return {
    image: `data:image/png;base64,${first.b64_json}`,
    size: usage.size,
    quality: usage.quality!,
    model: ILLUSTRATION_MODEL,
    revisedPrompt: first.revised_prompt ?? null,
  };
}
