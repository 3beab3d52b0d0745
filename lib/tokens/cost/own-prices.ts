// Our own price entries: only what the catalogue (@pydantic/genai-prices, catalogue.ts) does not
// carry. Each entry says where its figure comes from. Figures are written in integer micro-dollars
// (µ$): $0.04 = 40,000 µ$.
//
// An admin override in the pricing version beats every entry here, and an entry here beats the
// catalogue (resolve.ts): an entry for a model the catalogue also prices would hide the maintained
// figure, so own-prices.test.ts fails when the catalogue starts carrying one of these ids.
import type { ModelPrice } from "./prices";

export const OWN_PRICES: Readonly<Record<string, ModelPrice>> = {
  // ── Image generation billed per image, µ$ per image ───────────────────────────────────────────
  // Source: OpenAI's pricing page (platform.openai.com/docs/pricing, "Image generation", legacy
  // DALL·E models), checked 2026-12-02. The catalogue has no DALL·E entry.
  // DALL·E 3: standard $0.040 (1024²) / $0.080 (1024×1792, 1792×1024); HD $0.080 / $0.120.
  "dall-e-3": {
    kind: "image",
    defaultQuality: "standard",
    microUsdPerImage: {
      standard: { "1024x1024": 40_000, "1024x1792": 80_000, "1792x1024": 80_000 },
      hd: { "1024x1024": 80_000, "1024x1792": 120_000, "1792x1024": 120_000 },
    },
  },
  // DALL·E 2: $0.016 (256²), $0.018 (512²), $0.020 (1024²); one quality. Same source.
  "dall-e-2": {
    kind: "image",
    defaultQuality: "standard",
    microUsdPerImage: { standard: { "256x256": 16_000, "512x512": 18_000, "1024x1024": 20_000 } },
  },
};

/** Where each entry of OWN_PRICES comes from, in words (shown on the admin pricing page). */
export const OWN_PRICE_SOURCES: Readonly<Record<keyof typeof OWN_PRICES & string, string>> = {
  "dall-e-3": "OpenAI's pricing page (DALL·E, per image), checked 2026-12-02",
  "dall-e-2": "OpenAI's pricing page (DALL·E, per image), checked 2026-12-02",
};

/**
 * Output tokens of one generated image, by quality then size: not a price, but what the catalogue's
 * image-output price ($ per 1M tokens) needs (catalogue.ts) for the hold before a call (the prompt's
 * tokens plus these, priced as the usage the response will report) and for a per-image price (a
 * call charged without reported tokens). gpt-image-1's token prices themselves are the catalogue's:
 * its reported usage is charged at them (cost.ts). Source: OpenAI's image generation guide ("Cost and
 * latency": gpt-image-1 renders 1024×1024 in 272 / 1056 / 4160 tokens at low / medium / high,
 * 1024×1536 and 1536×1024 in 408 / 1584 / 6240), checked 2026-12-02. The catalogue has no such table.
 */
export const IMAGE_OUTPUT_TOKENS: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>> =
  {
    "gpt-image-1": {
      low: { "1024x1024": 272, "1024x1536": 408, "1536x1024": 408 },
      medium: { "1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1584 },
      high: { "1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6240 },
    },
  };
