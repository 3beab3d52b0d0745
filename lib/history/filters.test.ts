import { describe, expect, it } from "vitest";
import { encodeCursor } from "../tokens/ledger";
import { historyQuery, parseHistoryParams, toHistoryFilters } from "./filters";

const cursor = encodeCursor({ createdAt: new Date("2026-03-01T00:00:00Z"), id: 12n });

describe("parseHistoryParams", () => {
  it("accepts nothing, empty values (a form without JS) and valid values", () => {
    expect(parseHistoryParams(new URLSearchParams())).toEqual({ ok: true, params: {} });
    expect(parseHistoryParams(new URLSearchParams("kind=&feature=&cursor="))).toEqual({ ok: true, params: {} });
    expect(parseHistoryParams({ kind: "consume", feature: "meal-analyzer", cursor })).toEqual({
      ok: true,
      params: { kind: "consume", feature: "meal-analyzer", cursor },
    });
  });

  it.each([
    ["kind=spend", "kind", /kind must be one of grant_allowance/],
    ["feature=../etc", "feature", /feature must be one of chat/],
    ["cursor=not-a-cursor", "cursor", /cursor is not a history page link/],
    ["kind=consume&kind=grant_pack", "kind", /kind may be given once/],
  ])("refuses %s with a message naming %s", (query, field, message) => {
    const parsed = parseHistoryParams(new URLSearchParams(query));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.field).toBe(field);
      expect(parsed.error).toMatch(message);
    }
  });

  it("reads record-style search params (a page's searchParams), arrays included", () => {
    expect(parseHistoryParams({ kind: ["consume", "grant_pack"] })).toMatchObject({ ok: false, field: "kind" });
    expect(parseHistoryParams({ kind: ["consume"], other: "x" })).toEqual({ ok: true, params: { kind: "consume" } });
  });
});

describe("filters and links", () => {
  it("maps params to ledger filters", () => {
    expect(toHistoryFilters({ kind: "consume", feature: "chat" })).toEqual({ kinds: ["consume"], feature: "chat" });
    expect(toHistoryFilters({})).toEqual({ kinds: undefined, feature: undefined });
  });

  it("writes only what is set", () => {
    expect(historyQuery({})).toBe("");
    expect(historyQuery({ kind: "consume" })).toBe("?kind=consume");
    expect(historyQuery({ feature: "chat", cursor })).toBe(`?feature=chat&cursor=${cursor}`);
  });
});
