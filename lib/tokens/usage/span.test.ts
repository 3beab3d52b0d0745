import { describe, expect, it } from "vitest";
import { splitSpan } from "./span";

const at = (iso: string) => new Date(iso);

describe("splitSpan", () => {
  it("reads the whole days inside from the roll-up and the partial days at either end from the ledger", () => {
    expect(splitSpan(at("2026-11-01T08:00:00.000Z"), at("2026-11-22T18:00:00.001Z"))).toEqual({
      firstDay: "2026-11-02",
      endDay: "2026-11-22",
      head: { from: at("2026-11-01T08:00:00.000Z"), to: at("2026-11-02T00:00:00.000Z") },
      tail: { from: at("2026-11-22T00:00:00.000Z"), to: at("2026-11-22T18:00:00.001Z") },
    });
  });

  it("takes a span starting at midnight whole from its first day, with an empty head", () => {
    const s = splitSpan(at("2026-11-20T00:00:00.000Z"), at("2026-11-23T06:00:00.000Z"));
    expect([s.firstDay, s.endDay]).toEqual(["2026-11-20", "2026-11-23"]);
    expect(s.head.from).toEqual(s.head.to);
    expect(s.tail).toEqual({ from: at("2026-11-23T00:00:00.000Z"), to: at("2026-11-23T06:00:00.000Z") });
  });

  it("has an empty tail when the span ends at midnight", () => {
    const s = splitSpan(at("2026-11-20T10:00:00.000Z"), at("2026-11-23T00:00:00.000Z"));
    expect([s.firstDay, s.endDay]).toEqual(["2026-11-21", "2026-11-23"]);
    expect(s.tail.from).toEqual(s.tail.to);
  });

  it("reads a span with no whole day inside from the ledger alone", () => {
    for (const [from, to] of [
      ["2026-11-21T09:00:00.000Z", "2026-11-21T18:00:00.000Z"], // within a day
      ["2026-11-20T23:30:00.000Z", "2026-11-21T00:10:00.000Z"], // across one midnight
      ["2026-11-21T00:00:00.000Z", "2026-11-21T23:59:59.999Z"], // a day less 1 ms
    ] as const) {
      const s = splitSpan(at(from), at(to));
      expect(s.firstDay).toBe(s.endDay);
      expect(s.head).toEqual({ from: at(from), to: at(to) });
      expect(s.tail.from).toEqual(s.tail.to);
    }
  });

  it("takes exactly one whole day when the span is that day", () => {
    const s = splitSpan(at("2026-11-21T00:00:00.000Z"), at("2026-11-22T00:00:00.000Z"));
    expect([s.firstDay, s.endDay]).toEqual(["2026-11-21", "2026-11-22"]);
    expect(s.head.from).toEqual(s.head.to);
    expect(s.tail.from).toEqual(s.tail.to);
  });
});
