import { describe, expect, it } from "vitest";
import type { LedgerRow } from "../tokens/ledger";
import { DEFAULT_PRICING } from "../tokens/pricing-config";
import { describeRow, featureTitle, usageDetails } from "./describe";
import { planNameResolver } from "./plans";
import { defaultPlans, ledgerRow } from "@/test/history/fixtures";

const plans = defaultPlans;
const row = ledgerRow;

const text = (r: Partial<LedgerRow>) => describeRow(row(r), plans).text;

describe("describeRow: AI usage", () => {
  it("names the feature, the model, the counts and the signed amount", () => {
    const described = describeRow(
      row({
        kind: "consume",
        feature: "meal-analyzer",
        allowanceDelta: -4_600n,
        usage: { model: "gpt-4o", inputTokens: 1234, outputTokens: 210, cachedInputTokens: 0 },
      }),
      plans,
    );
    expect(described).toEqual({
      title: "Meal analyzer",
      details: ["gpt-4o", "1,234 in / 210 out"],
      amount: "−4.6 tokens",
      text: "Meal analyzer · gpt-4o · 1,234 in / 210 out · −4.6 tokens",
    });
  });

  it("sums both buckets when a call burns the allowance, then purchased tokens", () => {
    expect(
      text({
        feature: "activity-analyzer",
        allowanceDelta: -1_000n,
        purchasedDelta: -3_650n,
        usage: { model: "gpt-5-mini", inputTokens: 900, outputTokens: 300 },
      }),
    ).toBe("Activity analyzer · gpt-5-mini · 900 in / 300 out · −4.7 tokens");
  });

  it("describes images, transcriptions, realtime sessions and multi-call requests", () => {
    expect(
      text({
        feature: "generate-training-illustration",
        purchasedDelta: -42_000n,
        usage: { model: "gpt-image-1", images: 1, size: "1024x1024", quality: "medium" },
      }),
    ).toBe("Exercise illustration · gpt-image-1 · 1 image 1024x1024 medium · −42 tokens");
    expect(
      text({
        feature: "transcribe",
        allowanceDelta: -6_200n,
        usage: { model: "whisper-1", seconds: 61.2, billedSeconds: 62 },
      }),
    ).toBe("Transcribe · whisper-1 · 62 s of audio · −6.2 tokens");
    expect(
      text({
        feature: "voice-coach-realtime",
        allowanceDelta: -120_400n,
        usage: {
          model: "gpt-realtime",
          inputTokens: 2000,
          outputTokens: 300,
          audioInputTokens: 1200,
          audioOutputTokens: 1500,
        },
      }),
    ).toBe("Voice coach · gpt-realtime · text 2,000 in / 300 out · audio 1,200 in / 1,500 out · −120 tokens");
    expect(
      text({
        feature: "recipe-generator",
        allowanceDelta: -9_000n,
        usage: { model: "gpt-5-mini", calls: 2, inputTokens: 3000, outputTokens: 1500 },
      }),
    ).toBe("Recipe generator · gpt-5-mini · 2 calls · 3,000 in / 1,500 out · −9 tokens");
  });

  it("says when a call cost more than was left", () => {
    expect(
      text({
        feature: "chat",
        allowanceDelta: -500n,
        shortfall: 300n,
        usage: { model: "gpt-5-mini", inputTokens: 10, outputTokens: 20 },
      }),
    ).toBe("Coach chat · gpt-5-mini · 10 in / 20 out · 0.3 tokens not covered · −0.5 tokens");
  });

  it("keeps an unknown feature's name, and copes without usage", () => {
    expect(text({ feature: "retired-feature", allowanceDelta: -1_000n })).toBe("retired-feature · −1 token");
    expect(text({ feature: null, allowanceDelta: -1_000n })).toBe("AI usage · −1 token");
    expect(featureTitle("scan-estimate")).toBe("Body scan");
  });
});

describe("describeRow: grants and corrections", () => {
  it("names the plan of an allowance grant from its pricing version and amount", () => {
    expect(text({ kind: "grant_allowance", allowanceDelta: 3_000_000n })).toBe("Pro plan allowance · +3,000 tokens");
    expect(text({ kind: "grant_allowance", allowanceDelta: 35_000_000n, pricingVersion: null })).toBe(
      "Titan plan allowance · +35,000 tokens",
    );
    expect(text({ kind: "grant_allowance", allowanceDelta: 1_234_000n })).toBe("Plan allowance · +1,234 tokens");
  });

  it("names an upgrade's extra allowance", () => {
    expect(text({ kind: "grant_allowance", allowanceDelta: 2_000_000n, reason: "upgrade to Elite" })).toBe(
      "Upgrade to Elite: extra allowance · +2,000 tokens",
    );
  });

  it("describes packs, free tokens and expiries", () => {
    expect(text({ kind: "grant_pack", purchasedDelta: 2_000_000n, reason: "Starter pack" })).toBe(
      "Starter pack · +2,000 tokens",
    );
    expect(text({ kind: "grant_pack", purchasedDelta: 1_000n })).toBe("Token pack · +1 token");
    expect(text({ kind: "grant_free", allowanceDelta: 100_000n })).toBe("Monthly free tokens · +100 tokens");
    expect(text({ kind: "expire_allowance", allowanceDelta: -95_400n })).toBe(
      "Unused allowance expired · −95.4 tokens",
    );
  });

  it("describes what a won dispute gives back", () => {
    expect(
      text({ kind: "grant_allowance", allowanceDelta: 2_000_000n, reason: "Dispute won: allowance given back" }),
    ).toBe("Dispute won: allowance given back · +2,000 tokens");
    expect(
      text({ kind: "grant_pack", purchasedDelta: 2_000_000n, reason: "Dispute won: pack tokens given back" }),
    ).toBe("Dispute won: pack tokens given back · +2,000 tokens");
  });

  it("describes clawbacks with their reason and shortfall", () => {
    expect(text({ kind: "clawback", purchasedDelta: -2_000_000n, reason: "pack payment refunded" })).toBe(
      "Refund clawback · pack payment refunded · −2,000 tokens",
    );
    expect(
      text({ kind: "clawback", purchasedDelta: -1_500_000n, shortfall: 500_000n, reason: "pack payment disputed" }),
    ).toBe("Refund clawback · pack payment disputed · 500 tokens could not be taken back · −1,500 tokens");
  });

  it("names an admin adjustment's reason", () => {
    expect(text({ kind: "adjustment", purchasedDelta: 50_000n, reason: "  goodwill for the outage " })).toBe(
      "Adjustment by admin: goodwill for the outage · +50 tokens",
    );
    expect(text({ kind: "adjustment", allowanceDelta: -10_000n, shortfall: 2_000n })).toBe(
      "Adjustment by admin · 2 tokens could not be deducted · −10 tokens",
    );
    expect(text({ kind: "refund", purchasedDelta: 1_000n })).toBe("Refund · +1 token");
  });
});

describe("usageDetails", () => {
  it("ignores values that are not finite numbers", () => {
    expect(usageDetails({ model: "m", inputTokens: Number.NaN, outputTokens: 5 } as never)).toEqual([
      "m",
      "0 in / 5 out",
    ]);
    expect(usageDetails(null)).toEqual([]);
  });
});

describe("planNameResolver", () => {
  const v2 = { version: 2, plans: [{ ...DEFAULT_PRICING.plans[1]!, name: "Pro 2026", tokensPerMonth: 3_500 }] };
  const resolve = planNameResolver([{ version: 1, plans: DEFAULT_PRICING.plans }, v2]);

  it("reads the row's own pricing version", () => {
    expect(resolve(1, 3_000_000n)).toBe("Pro");
    expect(resolve(2, 3_500_000n)).toBe("Pro 2026");
    expect(resolve(2, 3_000_000n)).toBeNull(); // not a plan of version 2: no guess from another version
  });

  it("searches newest first when the version is unknown", () => {
    expect(resolve(null, 3_500_000n)).toBe("Pro 2026");
    expect(resolve(9, 1_000_000n)).toBe("Essential");
  });

  it("gives no name when two plans share the allowance", () => {
    const twins = planNameResolver([
      { version: 1, plans: [DEFAULT_PRICING.plans[0]!, { ...DEFAULT_PRICING.plans[0]!, id: "twin", name: "Twin" }] },
    ]);
    expect(twins(1, 1_000_000n)).toBeNull();
  });
});
