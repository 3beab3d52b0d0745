import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { modelPriceRows } from "@/lib/admin/model-prices";
import { ModelPricesTable } from "./model-prices-table";

describe("ModelPricesTable", () => {
  it("shows each model's source with the catalogue's date, and its price per 1M tokens of each kind", () => {
    const overrides = { "my-model": { kind: "text", inputMicroUsdPer1M: 1_000_000, outputMicroUsdPer1M: 3_000_000 } };
    const rows = modelPriceRows(
      ["gpt-5-mini", "dall-e-3", "my-model", "gpt-9"],
      { version: 4, modelPriceOverrides: overrides },
      new Date("2026-12-02T00:00:00Z"),
    );
    const html = renderToStaticMarkup(<ModelPricesTable rows={rows} />);
    const text = html.replace(/<[^>]+>/g, "|").replace(/\|+/g, "|");
    expect(text).toContain(
      "|gpt-5-mini|used by chat, activity-analyzer, meal-analyzer, scan-estimate, scan-refine-morphs, fridge-scan-vision, recipe-generator|catalogue|catalogue @pydantic/genai-prices@0.1.8 of 2026-09-23|input: $0.25|cached input: $0.025|output: $2.00|",
    );
    expect(text).toContain(
      "|dall-e-3|table|our own table: OpenAI&#x27;s pricing page (DALL·E, per image), checked 2026-12-02|standard 1024x1024: $0.04 / image|",
    );
    expect(text).toContain("|my-model|override|override in pricing version 4|input: $1.00|output: $3.00|");
    expect(text).toMatch(/\|gpt-9\|no price\|Unknown model &quot;gpt-9&quot;/);
    expect(html).toContain('data-testid="model-price-gpt-5-mini"');
  });
});
