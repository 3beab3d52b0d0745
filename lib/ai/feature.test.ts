// defineFeature: the paths follow from the slug, and a page's estimate input is the route's JSON
// schema unless the feature parses its request (then it must say how a page describes the input).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { costEngine } from "../tokens/cost";
import { defineFeature } from "./feature";

const page = {
  title: "Echo",
  description: "Says it back.",
  kind: "structured",
  typicalRequest: "a word",
  typicalCost: () => 1n,
} as const;
const estimate = (input: { words: string[] }) => ({ model: "gpt-5-mini", worstCase: BigInt(input.words.length) });

describe("defineFeature", () => {
  it("derives the route and page paths from the slug", () => {
    const echo = defineFeature({
      slug: "echo",
      model: "gpt-5-mini",
      input: z.object({ words: z.array(z.string()) }),
      estimate,
      run: () => ({}),
      page,
    });
    expect(echo.routePath).toBe("/api/ai/echo");
    expect(echo.pagePath).toBe("/ai/echo");
  });

  it("parses a JSON feature's page payload with the route's own input schema", () => {
    const input = z.object({ words: z.array(z.string()).min(1) });
    const echo = defineFeature({ slug: "echo", model: "gpt-5-mini", input, estimate, run: () => ({}), page });
    expect(echo.pageInput).toBe(input);
    expect(echo.pageInput.safeParse({ words: [] }).success).toBe(false);
  });

  it("keeps a parsing feature's own page input, and refuses one without it", () => {
    const pageInput = z
      .object({ count: z.number() })
      .transform(({ count }) => ({ words: Array.from({ length: count }, () => "x") }));
    const upload = defineFeature({
      slug: "upload",
      model: "gpt-5-mini",
      parse: () => ({ words: ["a"], bytes: 3 }),
      pageInput,
      estimate,
      run: () => ({}),
      page,
    });
    expect(upload.pageInput.parse({ count: 2 })).toEqual({ words: ["x", "x"] });
    expect(
      upload.estimate(upload.pageInput.parse({ count: 4 }), { userId: "u", engine: costEngine(), db: null as never }),
    ).toEqual({ model: "gpt-5-mini", worstCase: 4n });
    expect(() =>
      // @ts-expect-error -- the type refuses it too: a parsing feature must say what its page sends
      defineFeature({
        slug: "upload",
        model: "gpt-5-mini",
        parse: () => ({ words: ["a"] }),
        estimate,
        run: () => ({}),
        page,
      }),
    ).toThrow(/needs a pageInput schema/);
  });
});
