// Image input tokens as OpenAI bills them, computed by the simulator on its own (never with the
// product's estimate, which is an upper bound: a simulator that shared the product's arithmetic
// could not catch the product's mistakes). The rules are OpenAI's vision guide, "Calculating costs":
//
// - Tile models: `detail: "low"` costs the base tokens. Otherwise the image is scaled to fit in
//   2048 × 2048, then its shortest side is scaled to 768 px (neither ever scales up), and it costs
//   base + per tile × the number of 512-px tiles.
// - Patch models: the image is cut into 32-px patches. Above 1,536 patches it is shrunk, keeping its
//   aspect ratio, until it fits 1,536 whole patches; the patch count is then multiplied by the
//   model's multiplier.
//
// `detail: "auto"` is billed as high here (the API chooses; high is what it chooses for images
// larger than a tile).

/** A patch model's multiplier is kept in hundredths (1.62 → 162), so 100 patches are 162 tokens, not 163. */
type Rule = { kind: "tile"; base: number; perTile: number } | { kind: "patch"; multiplierPercent: number };

/** Per model family, from the guide's tables (a dated snapshot id uses its family's rule). */
const RULES: Record<string, Rule> = {
  "gpt-4o": { kind: "tile", base: 85, perTile: 170 },
  "gpt-4.1": { kind: "tile", base: 85, perTile: 170 },
  "gpt-4.5-preview": { kind: "tile", base: 85, perTile: 170 },
  "gpt-4-turbo": { kind: "tile", base: 85, perTile: 170 },
  "chatgpt-4o-latest": { kind: "tile", base: 85, perTile: 170 },
  "gpt-4o-mini": { kind: "tile", base: 2833, perTile: 5667 },
  "gpt-5": { kind: "tile", base: 70, perTile: 140 },
  "gpt-5-chat-latest": { kind: "tile", base: 70, perTile: 140 },
  o1: { kind: "tile", base: 75, perTile: 150 },
  "o1-pro": { kind: "tile", base: 75, perTile: 150 },
  o3: { kind: "tile", base: 75, perTile: 150 },
  "gpt-5-mini": { kind: "patch", multiplierPercent: 162 },
  "gpt-4.1-mini": { kind: "patch", multiplierPercent: 162 },
  "gpt-5-nano": { kind: "patch", multiplierPercent: 246 },
  "gpt-4.1-nano": { kind: "patch", multiplierPercent: 246 },
  "o4-mini": { kind: "patch", multiplierPercent: 172 },
};

const PATCH = 32;
const MAX_PATCHES = 1536;

function ruleOf(model: string): Rule | null {
  return RULES[model] ?? RULES[model.replace(/-\d{4}-\d{2}-\d{2}$/, "")] ?? null;
}

/** The 512-px tiles of a high-detail image after the guide's two scalings. */
export function tileCount(width: number, height: number): number {
  let [w, h] = [width, height];
  if (Math.max(w, h) > 2048) {
    const scale = 2048 / Math.max(w, h);
    [w, h] = [w * scale, h * scale];
  }
  if (Math.min(w, h) > 768) {
    const scale = 768 / Math.min(w, h);
    [w, h] = [w * scale, h * scale];
  }
  return Math.ceil(w / 512) * Math.ceil(h / 512);
}

/** The 32-px patches of an image, shrunk to at most 1,536 whole patches as the guide does it. */
export function patchCount(width: number, height: number): number {
  const raw = Math.ceil(width / PATCH) * Math.ceil(height / PATCH);
  if (raw <= MAX_PATCHES) return raw;
  let shrink = Math.sqrt((PATCH * PATCH * MAX_PATCHES) / (width * height));
  shrink *= Math.min(
    Math.floor((width * shrink) / PATCH) / ((width * shrink) / PATCH),
    Math.floor((height * shrink) / PATCH) / ((height * shrink) / PATCH),
  );
  const [w, h] = [Math.floor(width * shrink), Math.floor(height * shrink)];
  return Math.ceil(w / PATCH) * Math.ceil(h / PATCH);
}

/** Input tokens of one image for `model`, or null when the model takes no images here. */
export function imageTokens(
  model: string,
  width: number,
  height: number,
  detail: "low" | "high" | "auto",
): number | null {
  const rule = ruleOf(model);
  if (!rule) return null;
  if (rule.kind === "tile") return detail === "low" ? rule.base : rule.base + rule.perTile * tileCount(width, height);
  return Math.ceil((patchCount(width, height) * rule.multiplierPercent) / 100);
}
