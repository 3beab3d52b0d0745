import { describe, expect, it } from "vitest";
import { EstimateError } from "./errors";
import { imageInputTokens } from "./vision";

describe("imageInputTokens: worst-case input tokens of an image (estimates only)", () => {
  it.each([
    // tile models, OpenAI's worked examples: 1024² → 768² → 4 tiles → 85 + 4×170 = 765
    ["gpt-4o", { width: 1024, height: 1024 }, 765],
    // 2048×4096 → 1024×2048 → 768×1536 → 2×3 = 6 tiles → 85 + 6×170 = 1,105
    ["gpt-4o", { width: 2048, height: 4096 }, 1105],
    ["gpt-4o-2024-08-06", { width: 2048, height: 4096 }, 1105],
    ["gpt-4o", { width: 1024, height: 1024, detail: "low" as const }, 85],
    // 512² stays 512² → 1 tile → 85 + 170 = 255
    ["gpt-4o", { width: 512, height: 512 }, 255],
    // size unknown: the maximum, 8 tiles (768×2048 after scaling): 85 + 8×170 = 1,445
    ["gpt-4o", {}, 1445],
    ["gpt-4o", { detail: "high" as const }, 1445],
    // gpt-4o-mini: 2,833 + 4 × 5,667 = 25,501
    ["gpt-4o-mini", { width: 1024, height: 1024 }, 25_501],
    // gpt-5: 70 + 4×140 = 630
    ["gpt-5", { width: 1024, height: 1024 }, 630],
    // patch models: 1024² → 32×32 = 1,024 patches × 1.62 = 1,658.88 → 1,659
    ["gpt-5-mini", { width: 1024, height: 1024 }, 1659],
    // capped at 1,536 patches × 1.62 = 2,488.32 → 2,489
    ["gpt-5-mini", { width: 4096, height: 4096 }, 2489],
    ["gpt-5-mini", {}, 2489],
    // 1,536 × 2.46 = 3,778.56 → 3,779
    ["gpt-5-nano", {}, 3779],
    // 1,024 × 1.72 = 1,761.28 → 1,762
    ["o4-mini", { width: 1024, height: 1024 }, 1762],
  ])("%s %j → %i", (model, image, expected) => {
    expect(imageInputTokens(model, image)).toBe(expected);
  });

  it("refuses a model without a rule and a half-given size", () => {
    expect(() => imageInputTokens("gpt-4")).toThrow(EstimateError);
    expect(() => imageInputTokens("gpt-4o", { width: 100 })).toThrow(/width and height/);
    expect(() => imageInputTokens("gpt-4o", { width: 0, height: 100 })).toThrow(/width and height/);
  });
});
