// The ESLint rule that keeps console.* out of product code, proven on probe snippets linted with the
// repository's own eslint.config.mjs: product files are refused, the dev servers, tooling and tests are not.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, "../..") });
const PROBE = 'export function probe(): void {\n  console.warn("hello");\n}\n';

async function consoleErrors(filePath: string, code = PROBE): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath, warnIgnored: false });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-console" && m.severity === 2).length;
}

describe("no-console in product code", () => {
  it("refuses console.* in lib/, app/ and components/", async () => {
    for (const file of [
      "lib/probe.ts",
      "lib/tokens/metering/probe.ts",
      "app/api/probe/probe.ts",
      "components/probe.tsx",
      "proxy.ts",
    ]) {
      expect(await consoleErrors(file), file).toBe(1);
    }
  });

  it("accepts the module's logger instead", async () => {
    const code =
      'import { logger } from "@/lib/log";\n\nconst log = logger("probe");\n\nexport function probe(): void {\n  log.warn({ event: "hello" });\n}\n';
    expect(await consoleErrors("lib/probe.ts", code)).toBe(0);
  });

  it("leaves the simulators, scripts, tests and harnesses alone", async () => {
    for (const file of [
      "dev/openai-simulator/probe.ts",
      "dev/stripe-simulator/probe.ts",
      "dev/probe.ts",
      "scripts/probe.ts",
      "lib/probe.test.ts",
      "test/metering/probe.ts",
      "test/billing/probe.ts",
    ]) {
      expect(await consoleErrors(file), file).toBe(0);
    }
  });
});
