// The reconciliation's exact pieces by hand: the bill's dollars to µ$, line items to models, the
// percentage in basis points and the 1% flag at its boundary.
import { describe, expect, it } from "vitest";
import { dollarsToMicroUsd } from "../ai/provider-bill";
import { differenceBasisPoints, isFlagged, lineItemModel, yesterday } from "./reconciliation";

describe("dollarsToMicroUsd", () => {
  it.each([
    [0.06, 60_000n],
    [0.00003075, 31n], // 30.75 µ$ rounds half away from zero
    [0.0000305, 31n],
    [0.0000304999, 30n],
    [1234.567891, 1_234_567_891n],
    [1e-7, 0n],
    [5e-7, 1n],
    [-0.25, -250_000n],
    [0, 0n],
  ])("reads $%s as %s µ$ from its decimal text", (value, micro) => {
    expect(dollarsToMicroUsd(value)).toBe(micro);
  });
});

describe("lineItemModel", () => {
  it('takes the model before the last comma of OpenAI\'s "<model>, <kind>" line items', () => {
    expect(lineItemModel("gpt-5-mini-2025-08-07, cached input")).toEqual({
      model: "gpt-5-mini-2025-08-07",
      kind: "cached input",
    });
    expect(lineItemModel("ft:gpt-4o-mini:org:x, output")).toEqual({ model: "ft:gpt-4o-mini:org:x", kind: "output" });
  });
  it("does not guess at another form", () => {
    expect(lineItemModel("input_tokens")).toBeNull();
    expect(lineItemModel(null)).toBeNull();
  });
});

describe("differenceBasisPoints and isFlagged", () => {
  it("computes basis points of theirs exactly, rounded half away from zero", () => {
    expect(differenceBasisPoints(1_880n, 1_696n)).toBe(1_085); // 10.849…%
    expect(differenceBasisPoints(0n, 750_000n)).toBe(-10_000);
    expect(differenceBasisPoints(5n, 0n)).toBeNull();
  });
  it("flags above 1% only, exactly at the boundary", () => {
    const row = (ours: bigint, theirs: bigint) => ({
      oursMicroUsd: ours,
      theirsMicroUsd: theirs,
      differenceBp: differenceBasisPoints(ours, theirs),
    });
    expect(isFlagged(row(10_100n, 10_000n))).toBe(false); // exactly 1%
    expect(isFlagged(row(10_101n, 10_000n))).toBe(true);
    expect(isFlagged(row(9_899n, 10_000n))).toBe(true);
    expect(isFlagged(row(1_004_000n, 1_000_000n))).toBe(false); // 0.4%
    expect(isFlagged(row(1_010_040n, 1_000_000n))).toBe(true); // 1.004%: rounds to 100 bp, still above 1%
    expect(isFlagged(row(0n, 0n))).toBe(false);
    expect(isFlagged(row(1n, 0n))).toBe(true);
  });
});

describe("yesterday", () => {
  it("is the previous UTC day", () => {
    expect(yesterday(new Date("2026-03-01T00:30:00Z"))).toBe("2026-02-28");
  });
});
