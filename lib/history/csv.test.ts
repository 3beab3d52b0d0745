import { afterEach, describe, expect, it } from "vitest";
import { CSV_COLUMNS, csvField, csvFileName, csvHeader, csvRow, csvText } from "./csv";
import { defaultPlans, ledgerRow, parseCsv } from "@/test/history/fixtures";

const plans = defaultPlans;
const row = ledgerRow;

describe("csvField", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\rhere", '"cr\rhere"'],
    [" padded ", '" padded "'],
    ["Meal analyzer · gpt-4o", "Meal analyzer · gpt-4o"],
  ])("%j → %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("neutralises text that a spreadsheet would run as a formula", () => {
    expect(csvText('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvText("+1")).toBe("'+1");
    expect(csvText("-2")).toBe("'-2");
    expect(csvText("@sum")).toBe("'@sum");
    expect(csvText("Adjustment by admin: ok")).toBe("Adjustment by admin: ok");
  });
});

describe("csvRow", () => {
  it("writes exact amounts, the row in words and the usage", () => {
    const line = csvRow(
      row({
        kind: "consume",
        feature: "meal-analyzer",
        allowanceDelta: -1_001n,
        purchasedDelta: -3_599n,
        allowanceAfter: 0n,
        purchasedAfter: 1_995_401n,
        usage: { model: "gpt-4o", inputTokens: 1234, outputTokens: 210 },
        costMicroUsd: 4_600n,
        sourceRef: "req_abc",
      }),
      plans,
    );
    expect(line.endsWith("\r\n")).toBe(true);
    const [fields] = parseCsv(line);
    expect(Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, fields![i]]))).toEqual({
      date_utc: "2026-03-01T12:34:56.789Z",
      kind: "consume",
      description: "Meal analyzer · gpt-4o · 1,234 in / 210 out",
      feature: "Meal analyzer",
      model: "gpt-4o",
      input_tokens: "1234",
      output_tokens: "210",
      change_tokens: "-4.600",
      allowance_change_tokens: "-1.001",
      purchased_change_tokens: "-3.599",
      allowance_after_tokens: "0.000",
      purchased_after_tokens: "1995.401",
      shortfall_tokens: "0.000",
      provider_cost_usd: "0.004600",
      reference: "req_abc",
      id: "42",
    });
  });

  it("quotes a reason with commas and quotes so it reads back unchanged", () => {
    const reason = 'refund, "late" delivery\nsecond line';
    const [fields] = parseCsv(
      csvRow(row({ kind: "adjustment", purchasedDelta: 5_000n, purchasedAfter: 5_000n, reason }), plans),
    );
    expect(fields).toHaveLength(CSV_COLUMNS.length);
    expect(fields![2]).toBe(`Adjustment by admin: ${reason}`);
    expect(fields![7]).toBe("5.000");
    expect(fields![13]).toBe(""); // no provider cost on a grant
  });

  it("has one header field per column", () => {
    expect(parseCsv(csvHeader())).toEqual([[...CSV_COLUMNS]]);
  });
});

describe("csvRow's cost per row", () => {
  const NumberFormat = Intl.NumberFormat;
  afterEach(() => {
    Intl.NumberFormat = NumberFormat;
  });

  // The export writes 100,000 rows in one response: a formatter built per row (~10 µs and native
  // memory the garbage collector frees late) made its memory grow with the row count (bench:pages).
  it("builds no Intl formatter per row once the first row is written", () => {
    const usage = { model: "gpt-5-mini", inputTokens: 1234, outputTokens: 210, calls: 2 };
    const rows = Array.from({ length: 500 }, (_, i) =>
      row({
        id: BigInt(i),
        feature: "chat",
        usage,
        purchasedDelta: -BigInt(1000 + i),
        shortfall: BigInt(i % 2) * 500n,
      }),
    );
    rows.slice(0, 2).forEach((r) => csvRow(r, plans)); // with and without a shortfall: every format once
    let built = 0;
    Intl.NumberFormat = new Proxy(NumberFormat, {
      construct(target, args) {
        built++;
        return Reflect.construct(target, args) as object;
      },
    });
    const lines = rows.map((r) => csvRow(r, plans));
    expect(built).toBe(0);
    expect(parseCsv(lines[1]!)[0]![2]).toBe(
      "Coach chat · gpt-5-mini · 2 calls · 1,234 in / 210 out · 0.5 tokens not covered",
    );
  });
});

describe("csvFileName", () => {
  it("names the UTC day and the filter", () => {
    expect(csvFileName(new Date("2026-03-01T23:59:59Z"))).toBe("tollgate-token-history-2026-03-01.csv");
    expect(csvFileName(new Date("2026-03-01T00:00:00Z"), { kind: "consume", feature: "chat" })).toBe(
      "tollgate-token-history-2026-03-01-consume-chat.csv",
    );
  });
});
