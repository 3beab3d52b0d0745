// The import rule of the layers, as ESLint enforces it (eslint.config.mjs): each case is a one-line
// module linted as if it lived at the path given, so a rule that is loosened or mistyped fails here.
import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The no-restricted-imports messages ESLint gives `source` at `file`. */
async function restricted(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = [x];\n`, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("the import rule of the layers", () => {
  it.each([
    ["lib/ai/probe.ts", `import { x } from "@/dev/openai-simulator";`],
    ["lib/ai/probe.ts", `import { x } from "../../test/ai/route-harness";`],
    ["app/api/probe/probe.ts", `import { x } from "@/test/support/database";`],
    ["components/probe.tsx", `import { x } from "../dev/stripe-simulator";`],
    ["lib/tokens/ledger/probe.ts", `import { x } from "../../../test/ledger/helpers";`],
  ])("product code may not import dev/ or test/: %s ← %s", async (file, source) => {
    expect(await restricted(file, source)).toEqual([expect.stringContaining("never imports dev/")]);
  });

  it.each([
    ["dev/openai-simulator/probe.ts", `import { x } from "../../lib/tokens/cost/vision";`],
    ["dev/openai-simulator/probe.ts", `import { x } from "@/lib/env";`],
    ["dev/stripe-simulator/probe.ts", `import { x } from "../../test/billing/harness";`],
    ["dev/probe.ts", `import { x } from "../app/layout";`],
  ])("a simulator imports nothing of the product or of test/: %s ← %s", async (file, source) => {
    expect(await restricted(file, source)).toEqual([expect.stringContaining("follows the provider")]);
  });

  it("components never import app/", async () => {
    expect(await restricted("components/probe.tsx", `import { x } from "@/app/(auth)/actions";`)).toEqual([
      expect.stringContaining("never import app/"),
    ]);
    expect(
      await restricted("components/admin/probe.tsx", `import { x } from "../../app/admin/pricing/actions";`),
    ).toEqual([expect.stringContaining("never import app/")]);
  });

  it("the token layer knows no provider, in its tests too", async () => {
    expect(await restricted("lib/tokens/cost/probe.ts", `import { x } from "../../ai/models";`)).toEqual([
      expect.stringContaining("knows no provider"),
    ]);
    expect(await restricted("lib/tokens/cost/probe.test.ts", `import { x } from "@/lib/billing/stripe";`)).toEqual([
      expect.stringContaining("knows no provider"),
    ]);
  });

  it("every layer keeps the prices pinned", async () => {
    for (const file of [
      "lib/ai/probe.ts",
      "dev/openai-simulator/probe.ts",
      "components/probe.tsx",
      "lib/tokens/probe.ts",
      "scripts/probe.ts",
    ]) {
      expect(await restricted(file, `import { updatePrices as x } from "@pydantic/genai-prices";`)).toEqual([
        expect.stringContaining("Prices are pinned"),
      ]);
    }
  });

  it("allows what the layers may do", async () => {
    for (const [file, source] of [
      ["lib/ai/probe.test.ts", `import { x } from "@/test/ai/route-harness";`],
      ["lib/tokens/ledger/probe.test.ts", `import { x } from "@/test/ledger/helpers";`],
      ["dev/openai-simulator/probe.ts", `import { x } from "./vision";`],
      ["dev/openai-simulator/probe.test.ts", `import { x } from "@/test/ai/audio-fixtures";`],
      ["scripts/probe.ts", `import { x } from "../dev/openai-simulator";`],
      ["app/api/probe/probe.ts", `import { x } from "@/lib/ai/metered";`],
      ["test/billing/probe.ts", `import { x } from "../../dev/stripe-simulator";`],
    ] as const) {
      expect(await restricted(file, source)).toEqual([]);
    }
  });
});
