// The page estimates of the image and transcription features: what their routes hold (no database
// needed for these two).
import { describe, expect, it } from "vitest";
import type { DbTx } from "../db/client";
import { costEngine } from "../tokens/cost";
import { estimateFeature } from "./estimates";
import { illustrationPrompt } from "./training-illustration";

const engine = costEngine();
const estimate = (slug: string, payload: unknown) =>
  estimateFeature(null as unknown as DbTx, "user", slug, payload, engine);

describe("estimateFeature", () => {
  it("names what is missing, and refuses a slug that is no feature", async () => {
    expect(await estimate("activity-analyzer", { description: "" })).toEqual({
      ok: false,
      message: "description describe the activity in a few words",
    });
    expect(await estimate("meal-analyzer", { photos: [] })).toEqual({ ok: false, message: "photos add a photo" });
    expect(await estimate("hasOwnProperty", {})).toEqual({ ok: false, message: 'No estimate for "hasOwnProperty".' });
  });

  it("holds a WAV's length, and any other voice note the longest its size can play at 6 kbit/s", async () => {
    expect(await estimate("transcribe", { seconds: 11.2, wav: true })).toEqual({ ok: true, millitokens: 1_200n }); // 12 s × 100 µ$
    expect(await estimate("transcribe", { seconds: 12 })).toEqual({ ok: true, millitokens: 1_200n });
    // 180,000 bytes × 8 ÷ 6,000 bit/s = 240 s, whatever the file says
    expect(await estimate("transcribe", { bytes: 180_000, wav: false })).toEqual({ ok: true, millitokens: 24_000n });
    expect(await estimate("transcribe", { bytes: 0, wav: false })).toMatchObject({ ok: false });
  });

  it("prices an illustration's image, and its prompt once the description is typed", async () => {
    expect(await estimate("generate-training-illustration", { size: "1024x1024", quality: "low" })).toEqual({
      ok: true,
      millitokens: 10_880n,
    });
    const withPrompt = engine.estimateImageCost("gpt-image-1", {
      count: 1,
      size: "1024x1024",
      quality: "low",
      prompt: illustrationPrompt("Goblet squat with a kettlebell"),
    }).worstCase;
    expect(withPrompt).toBe(11_150n);
    expect(
      await estimate("generate-training-illustration", {
        size: "1024x1024",
        quality: "low",
        description: "Goblet squat with a kettlebell",
      }),
    ).toEqual({ ok: true, millitokens: withPrompt });
  });
});
