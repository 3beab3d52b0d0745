import { describe, expect, it } from "vitest";
import { negotiateLocale } from "./negotiate";

describe("negotiateLocale", () => {
  it.each([
    ["fr-CH,fr;q=0.9,en;q=0.8", "fr"],
    ["fr-FR", "fr"],
    ["en-US,en;q=0.9", "en"],
    ["de-DE,fr;q=0.5,en;q=0.4", "fr"], // German is not translated: the next best by q-value
    ["en;q=0.2,fr;q=0.8", "fr"], // q-values, not order, decide
    ["de-DE,ja;q=0.9", "en"], // nothing we translate
    ["*", "en"],
    ["", "en"],
    ["not a tag!!,;;q=x", "en"],
  ])("%j → %s", (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });

  it("gives the default without a header", () => {
    expect(negotiateLocale(null)).toBe("en");
    expect(negotiateLocale(undefined)).toBe("en");
  });
});
