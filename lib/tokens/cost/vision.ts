// Input tokens of an image sent to a vision model, for the worst-case estimate only: the call itself
// is charged from the input tokens the provider reports (images are inside them). Rules from
// OpenAI's vision guide ("Calculating costs"):
//   tile models: high detail = base + per-tile × 512-px tiles, after fitting the image in 2048×2048
//     and scaling its shortest side down to 768; low detail = base.
//   patch models: 32-px patches, at most 1,536 (larger images are scaled down to fit), × a
//     per-model multiplier.
// Every rounding here goes up (a hold must not be short), and an image of unknown size is counted
// at its model's maximum: 8 tiles (2 × 4 after scaling) or 1,536 patches.
import { EstimateError } from "./errors";
import { ceilDiv } from "./money";
import { candidateIds } from "./resolve";

type VisionRule = { kind: "tile"; base: number; perTile: number } | { kind: "patch"; multiplierPercent: number };

const tile = (base: number, perTile: number): VisionRule => ({ kind: "tile", base, perTile });
const patch = (multiplierPercent: number): VisionRule => ({ kind: "patch", multiplierPercent });

/** Image-input token rules per model id (dated snapshots fall back to their base id). */
export const VISION_RULES: Readonly<Record<string, VisionRule>> = {
  "gpt-4o": tile(85, 170),
  "chatgpt-4o-latest": tile(85, 170),
  "gpt-4.1": tile(85, 170),
  "gpt-4.5-preview": tile(85, 170),
  "gpt-4-turbo": tile(85, 170),
  "gpt-4o-mini": tile(2833, 5667),
  "gpt-5": tile(70, 140),
  "gpt-5-chat-latest": tile(70, 140),
  o1: tile(75, 150),
  "o1-pro": tile(75, 150),
  o3: tile(75, 150),
  "gpt-5-mini": patch(162),
  "gpt-4.1-mini": patch(162),
  "gpt-5-nano": patch(246),
  "gpt-4.1-nano": patch(246),
  "o4-mini": patch(172),
};

/** One image of a request: its pixel size when known, and the detail asked for (default "auto"). */
export interface ImageInput {
  width?: number;
  height?: number;
  detail?: "low" | "high" | "auto";
}

const MAX_TILES = 8;
const MAX_PATCHES = 1536;

function visionRule(model: string): VisionRule {
  for (const id of candidateIds(model)) {
    const rule = Object.hasOwn(VISION_RULES, id) ? VISION_RULES[id] : undefined;
    if (rule) return rule;
  }
  throw new EstimateError(
    model,
    "no image-input token rule for this model (see VISION_RULES in lib/tokens/cost/vision.ts)",
  );
}

function dimensions(model: string, image: ImageInput): [number, number] | null {
  const { width, height } = image;
  if (width === undefined && height === undefined) return null;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width! <= 0 || height! <= 0) {
    throw new EstimateError(
      model,
      `an image's width and height must both be positive integers (got ${width}×${height})`,
    );
  }
  return [width!, height!];
}

/** ceil(value × numerator / denominator) in integers. */
function scaleUp(value: number, numerator: number, denominator: number): number {
  return Number(ceilDiv(BigInt(value) * BigInt(numerator), BigInt(denominator)));
}

function tiles(width: number, height: number): number {
  let [w, h] = [width, height];
  const longest = Math.max(w, h);
  if (longest > 2048) [w, h] = [scaleUp(w, 2048, longest), scaleUp(h, 2048, longest)];
  const shortest = Math.min(w, h);
  if (shortest > 768) [w, h] = [scaleUp(w, 768, shortest), scaleUp(h, 768, shortest)];
  return Math.min(Math.ceil(w / 512) * Math.ceil(h / 512), MAX_TILES);
}

/** Worst-case input tokens of one image for the model (an upper bound; exact for tile models with a known size). */
export function imageInputTokens(model: string, image: ImageInput = {}): number {
  const rule = visionRule(model);
  const size = dimensions(model, image);
  if (rule.kind === "tile") {
    if (image.detail === "low") return rule.base;
    return rule.base + rule.perTile * (size ? tiles(...size) : MAX_TILES);
  }
  const patches = size ? Math.min(Math.ceil(size[0] / 32) * Math.ceil(size[1] / 32), MAX_PATCHES) : MAX_PATCHES;
  return scaleUp(patches, rule.multiplierPercent, 100);
}
