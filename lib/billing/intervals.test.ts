import { describe, expect, it } from "vitest";
import { intervalOfParam, yearlySaving, yearlySavingLabel } from "./intervals";

describe("yearly saving", () => {
  it("10 × monthly is 2 months free; other yearly prices are a whole percent, rounded down", () => {
    expect(yearlySaving({ priceCents: 900 })).toEqual({ cents: 1800, monthsFree: 2, percent: 16 });
    expect(yearlySavingLabel(yearlySaving({ priceCents: 900 }))).toBe("2 months free");
    expect(yearlySavingLabel(yearlySaving({ priceCents: 1000, yearlyPriceCents: 11_000 }))).toBe("1 month free");
    expect(yearlySaving({ priceCents: 1900, yearlyPriceCents: 20_000 })).toEqual({
      cents: 2800,
      monthsFree: null,
      percent: 12,
    });
    expect(yearlySavingLabel(yearlySaving({ priceCents: 1900, yearlyPriceCents: 20_000 }))).toBe("Save 12%");
    expect(yearlySavingLabel(yearlySaving({ priceCents: 900, yearlyPriceCents: 12_000 }))).toBeNull();
  });

  it("reads the interval from the page's ?billing= parameter, monthly unless it says yearly", () => {
    expect(intervalOfParam("yearly")).toBe("year");
    expect(intervalOfParam("monthly")).toBe("month");
    expect(intervalOfParam(["yearly", "x"])).toBe("month");
    expect(intervalOfParam(undefined)).toBe("month");
  });
});
