import { describe, expect, it } from "vitest";
import { parseEditForm, parseTierForm } from "./pricing-form";

const form = (entries: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.set(k, v);
  return f;
};

const edit = {
  baseVersion: "3",
  microUsdPerToken: "1000",
  freeTierTokens: "100",
  planIds: "pro",
  "plan:pro:name": "Pro",
  "plan:pro:price": "19.9",
  "plan:pro:tokens": "3000",
  packIds: "starter",
  "pack:starter:name": "Starter",
  "pack:starter:price": "19,05",
  "pack:starter:tokens": "2000",
  "pack:starter:bonus": "0",
  overrides: "",
  note: "price change",
};

describe("parseEditForm", () => {
  it("turns euros into integer cents and keeps every tier", () => {
    expect(parseEditForm(form(edit))).toEqual({
      ok: true,
      value: {
        baseVersion: 3,
        microUsdPerToken: 1000,
        freeTierTokens: 100,
        plans: [{ id: "pro", name: "Pro", priceCents: 1990, tokensPerMonth: 3000 }],
        packs: [{ id: "starter", name: "Starter", priceCents: 1905, tokens: 2000, bonusPercent: 0 }],
        modelPriceOverrides: {},
        note: "price change",
      },
    });
  });

  it("reads a plan's own yearly price in cents; empty keeps the default (10 × monthly)", () => {
    const result = parseEditForm(form({ ...edit, "plan:pro:yearly": "180" }));
    expect(result.ok && result.value.plans).toEqual([
      { id: "pro", name: "Pro", priceCents: 1990, tokensPerMonth: 3000, yearlyPriceCents: 18_000 },
    ]);
    const empty = parseEditForm(form({ ...edit, "plan:pro:yearly": "" }));
    expect(empty.ok && empty.value.plans[0]).not.toHaveProperty("yearlyPriceCents");
  });

  it.each([
    [{ "plan:pro:yearly": "1.999" }, /yearly: must be an amount in euros/],
    [{ "plan:pro:price": "19.999" }, /price: must be an amount in euros/],
    [{ "plan:pro:price": "0" }, /priceCents/],
    [{ "pack:starter:bonus": "120" }, /bonusPercent/],
    [{ overrides: "{nope" }, /not valid JSON/],
    [{ note: "" }, /note: say why/],
    [{ microUsdPerToken: "1.5" }, /microUsdPerToken: must be a whole number/],
  ])("refuses %j with a message naming the field", (change, message) => {
    const result = parseEditForm(form({ ...edit, ...change }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });
});

describe("parseTierForm", () => {
  it("reads a plan and a pack", () => {
    expect(
      parseTierForm(
        form({
          kind: "plan",
          baseVersion: "2",
          id: "mythic",
          name: "Mythic",
          price: "149",
          tokens: "60000",
          note: "top plan",
        }),
      ),
    ).toEqual({
      ok: true,
      value: {
        kind: "plan",
        baseVersion: 2,
        tier: { id: "mythic", name: "Mythic", priceCents: 14900, tokensPerMonth: 60000 },
        note: "top plan",
      },
    });
    expect(
      parseTierForm(
        form({
          kind: "pack",
          baseVersion: "2",
          id: "mega",
          name: "Mega",
          price: "199.00",
          tokens: "26000",
          bonus: "30",
          note: "big",
        }),
      ),
    ).toMatchObject({
      ok: true,
      value: { kind: "pack", tier: { priceCents: 19900, tokens: 26000, bonusPercent: 30 } },
    });
  });

  it("refuses a bad id or kind", () => {
    expect(
      parseTierForm(
        form({ kind: "plan", baseVersion: "2", id: "Mythic!", name: "M", price: "1", tokens: "1", note: "abc" }),
      ),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/id/) });
    expect(
      parseTierForm(form({ kind: "gift", baseVersion: "2", id: "x", name: "M", price: "1", tokens: "1", note: "abc" })),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/kind/) });
  });
});
