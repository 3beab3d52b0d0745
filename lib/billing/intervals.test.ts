import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import fr from "../../messages/fr.json";
import { intervalOfParam, yearlySaving, yearlySavingMessage, type YearlySavingMessage } from "./intervals";

/** The saving as the plan cards render it: billing.planPrice.<key> formatted with its arguments. */
function label(message: YearlySavingMessage | null, locale: "en" | "fr" = "en"): string | null {
  if (!message) return null;
  const catalogue = (locale === "en" ? en : fr).billing.planPrice;
  return String(new IntlMessageFormat(catalogue[message.key], locale).format(message.values));
}

describe("yearly saving", () => {
  it("10 × monthly is 2 months free; other yearly prices are a whole percent, rounded down", () => {
    expect(yearlySaving({ priceCents: 900 })).toEqual({ cents: 1800, monthsFree: 2, percent: 16 });
    expect(yearlySavingMessage(yearlySaving({ priceCents: 900 }))).toEqual({ key: "monthsFree", values: { count: 2 } });
    expect(label(yearlySavingMessage(yearlySaving({ priceCents: 900 })))).toBe("2 months free");
    expect(label(yearlySavingMessage(yearlySaving({ priceCents: 1000, yearlyPriceCents: 11_000 })))).toBe(
      "1 month free",
    );
    expect(yearlySaving({ priceCents: 1900, yearlyPriceCents: 20_000 })).toEqual({
      cents: 2800,
      monthsFree: null,
      percent: 12,
    });
    expect(label(yearlySavingMessage(yearlySaving({ priceCents: 1900, yearlyPriceCents: 20_000 })))).toBe("Save 12%");
    expect(yearlySavingMessage(yearlySaving({ priceCents: 900, yearlyPriceCents: 12_000 }))).toBeNull();
  });

  it("says the saving in French with the same arguments", () => {
    expect(label(yearlySavingMessage(yearlySaving({ priceCents: 900 })), "fr")).toBe("2 mois offerts");
    expect(label(yearlySavingMessage(yearlySaving({ priceCents: 1000, yearlyPriceCents: 11_000 })), "fr")).toBe(
      "1 mois offert",
    );
    expect(label(yearlySavingMessage(yearlySaving({ priceCents: 1900, yearlyPriceCents: 20_000 })), "fr")).toBe(
      "Économisez 12\u00a0%",
    );
  });

  it("reads the interval from the page's ?billing= parameter, monthly unless it says yearly", () => {
    expect(intervalOfParam("yearly")).toBe("year");
    expect(intervalOfParam("monthly")).toBe("month");
    expect(intervalOfParam(["yearly", "x"])).toBe("month");
    expect(intervalOfParam(undefined)).toBe("month");
  });
});
