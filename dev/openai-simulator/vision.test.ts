// The simulator's image tokens against the worked examples of OpenAI's vision guide
// ("Calculating costs"), not against the product's estimate.
import { describe, expect, it } from "vitest";
import { imageTokens, patchCount, tileCount } from "./vision";

describe("simulator image tokens (OpenAI's published examples)", () => {
  it("tile models: 1024×1024 high = 765, 2048×4096 high = 1105, low = 85 (gpt-4o)", () => {
    expect(tileCount(1024, 1024)).toBe(4);
    expect(imageTokens("gpt-4o", 1024, 1024, "high")).toBe(765);
    expect(tileCount(2048, 4096)).toBe(6);
    expect(imageTokens("gpt-4o", 2048, 4096, "high")).toBe(1105);
    expect(imageTokens("gpt-4o", 4096, 8192, "low")).toBe(85);
    expect(imageTokens("gpt-4o-2024-08-06", 1024, 1024, "auto")).toBe(765);
  });

  it("patch models: 1024×1024 = 1024 patches, 1800×2400 = 1452 patches, times the model's multiplier", () => {
    expect(patchCount(1024, 1024)).toBe(1024);
    expect(patchCount(1800, 2400)).toBe(1452);
    expect(imageTokens("gpt-5-mini", 1024, 1024, "high")).toBe(1659); // ⌈1024 × 1.62⌉
    expect(imageTokens("gpt-5-mini", 320, 320, "high")).toBe(162); // 100 patches × 1.62, exactly
    expect(imageTokens("gpt-4.1-nano", 1800, 2400, "auto")).toBe(3572); // ⌈1452 × 2.46⌉
  });

  it("small images are never scaled up, and unknown models take no images", () => {
    expect(tileCount(100, 100)).toBe(1);
    expect(patchCount(20, 20)).toBe(1);
    expect(imageTokens("whisper-1", 100, 100, "high")).toBeNull();
  });
});
