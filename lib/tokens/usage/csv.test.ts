import { describe, expect, it } from "vitest";
import {
  csvField,
  csvText,
  fixedDecimal,
  microUsdToUsd,
  millitokensToTokenString,
  usageReportCsv,
  usageReportFileName,
} from "./csv";
import type { ReportLine, UsageReport } from "./report";

describe("exact decimals", () => {
  it.each([
    [0n, 6, "0.000000"],
    [1n, 6, "0.000001"],
    [1_234n, 6, "0.001234"],
    [1_234_567n, 6, "1.234567"],
    [98_765_432_100_000_001n, 6, "98765432100.000001"],
    [-5n, 3, "-0.005"],
    [4_600n, 3, "4.600"],
    [42n, 0, "42"],
  ])("fixedDecimal(%s, %s) = %s", (units, scale, expected) => {
    expect(fixedDecimal(units, scale)).toBe(expected);
  });

  it("names micro-dollars in dollars and millitokens in tokens", () => {
    expect(microUsdToUsd(4_600n)).toBe("0.004600");
    expect(millitokensToTokenString(4_600n)).toBe("4.600");
    // 2^63 − 1 µ$: no float could hold it exactly
    expect(microUsdToUsd(9_223_372_036_854_775_807n)).toBe("9223372036854.775807");
  });
});

describe("CSV fields", () => {
  it("quotes commas, quotes and line breaks", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });

  it("neutralises text a spreadsheet would run as a formula", () => {
    expect(csvText('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvText("+1")).toBe("'+1");
    expect(csvText("-2")).toBe("'-2");
    expect(csvText("@sum")).toBe("'@sum");
    expect(csvText("gpt-4o")).toBe("gpt-4o");
  });
});

const line = (over: Partial<ReportLine>): ReportLine => ({
  calls: 0n,
  inputTokens: 0n,
  cachedInputTokens: 0n,
  outputTokens: 0n,
  audioInputTokens: 0n,
  audioOutputTokens: 0n,
  images: 0n,
  seconds: "0",
  costMicroUsd: 0n,
  charged: 0n,
  ...over,
});

describe("usageReportCsv", () => {
  it("writes a header, one line per day × feature × model, and the totals, CRLF-terminated", () => {
    const report: UsageReport = {
      month: "2026-11",
      rows: [
        {
          day: "2026-11-02",
          feature: "chat",
          model: "gpt-4o",
          ...line({
            calls: 2n,
            inputTokens: 1_500n,
            cachedInputTokens: 200n,
            outputTokens: 640n,
            costMicroUsd: 9_505n,
            charged: 9_505n,
          }),
        },
        {
          day: "2026-11-02",
          feature: "transcribe",
          model: "whisper-1",
          ...line({ calls: 1n, seconds: "61.5", costMicroUsd: 6_200n, charged: 6_000n }),
        },
        {
          day: "2026-11-05",
          feature: "generate-training-illustration",
          model: "gpt-image-1",
          ...line({ calls: 1n, images: 1n, costMicroUsd: 42_000n, charged: 42_000n }),
        },
      ],
      totals: line({
        calls: 4n,
        inputTokens: 1_500n,
        cachedInputTokens: 200n,
        outputTokens: 640n,
        images: 1n,
        seconds: "61.5",
        costMicroUsd: 57_705n,
        charged: 57_505n,
      }),
    };
    expect(usageReportCsv(report)).toBe(
      [
        "date,feature,model,calls,input_tokens,cached_input_tokens,output_tokens,audio_input_tokens,audio_output_tokens,images,seconds,cost_usd,tokens_charged",
        "2026-11-02,chat,gpt-4o,2,1500,200,640,0,0,0,0,0.009505,9.505",
        "2026-11-02,transcribe,whisper-1,1,0,0,0,0,0,0,61.5,0.006200,6.000",
        "2026-11-05,generate-training-illustration,gpt-image-1,1,0,0,0,0,0,1,0,0.042000,42.000",
        "total 2026-11,,,4,1500,200,640,0,0,1,61.5,0.057705,57.505",
        "",
      ].join("\r\n"),
    );
  });

  it("writes only the header and a zero total for a month without usage", () => {
    expect(usageReportCsv({ month: "2026-10", rows: [], totals: line({}) }).split("\r\n")).toEqual([
      "date,feature,model,calls,input_tokens,cached_input_tokens,output_tokens,audio_input_tokens,audio_output_tokens,images,seconds,cost_usd,tokens_charged",
      "total 2026-10,,,0,0,0,0,0,0,0,0,0.000000,0.000",
      "",
    ]);
  });

  it("offers a file name with the month", () => {
    expect(usageReportFileName("2026-11")).toBe("tollgate-usage-2026-11.csv");
  });
});
