// The auto top-up section in English and French: the state line, the saved card, the form's
// current values, and after a failure the banner with the pack checkout and the portal.
import { describe, expect, it } from "vitest";
import type { AutoTopUpView } from "@/lib/billing/auto-topup/view";
import { DEFAULT_PRICING } from "@/lib/tokens/pricing-config";
import { renderIntl, textOf } from "@/test/support/render-intl";
import { AutoTopUpSection } from "./auto-top-up";

const noop = async () => {};
const card = { id: "pm_1", brand: "visa", last4: "4242", expMonth: 4, expYear: 2030 };
const settings = (over: Partial<NonNullable<AutoTopUpView["settings"]>> = {}) => ({
  enabled: true,
  packId: "basic",
  thresholdMillitokens: 200_000n,
  maxPerPeriod: 3,
  generation: 1,
  disabledReason: null,
  disabledAt: null,
  ...over,
});

function render(view: AutoTopUpView, locale: "en" | "fr" = "en", portal: (() => Promise<void>) | null = noop) {
  return renderIntl(
    <AutoTopUpSection
      view={view}
      packs={DEFAULT_PRICING.packs}
      currency="eur"
      configured
      save={noop}
      checkout={noop}
      portal={portal}
      notice={null}
    />,
    locale,
  );
}

describe("AutoTopUpSection", () => {
  it("on: says what it buys below which balance, with the card it charges", () => {
    const html = render({ settings: settings(), card, cardUnknown: false, lastAttempt: null });
    const text = textOf(html);
    expect(text).toContain("Auto top-up is on: below 200 tokens, we buy the Basic pack (€29.00).");
    expect(text).toContain("Card charged: VISA ending in 4242 (expires 04/2030).");
    expect(html).toContain(`name="enabled" checked="" value="on"`);
    expect(html).toContain('name="thresholdTokens"');
    expect(html).toContain(`name="thresholdTokens" value="200"`);
    expect(html).not.toContain('role="alert"');
  });

  it("without a card: says so and offers the pack checkout and the portal", () => {
    const text = textOf(render({ settings: null, card: null, cardUnknown: false, lastAttempt: null }));
    expect(text).toContain("Auto top-up is off.");
    expect(text).toContain("No card is saved yet.");
    expect(text).toContain("Manage cards in the billing portal");
    expect(text).toContain("Starter — 2,000 tokens for €19.00");
  });

  it("turned off by a 3-D Secure request: the banner explains and offers the fixes (French)", () => {
    const html = render(
      {
        settings: settings({ enabled: false, disabledReason: "authentication_required" }),
        card,
        cardUnknown: false,
        lastAttempt: null,
      },
      "fr",
    );
    const text = textOf(html);
    expect(html).toContain('role="alert"');
    expect(text).toContain("La recharge automatique a été désactivée");
    expect(text).toContain("3-D Secure");
    expect(text).toContain("La recharge automatique est désactivée.");
    expect(text).toContain("Gérer les cartes dans le portail de facturation");
    expect(text).toMatch(/Basic — 3\u202f200 jetons pour 29,00\u00a0€/);
  });
});
