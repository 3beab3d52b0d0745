// No product module grows past 300 lines without saying why: a longer file in lib/, app/ or
// components/ must carry `// file-length: <reason>` in its first five lines. Tests, generated code
// and the simulators and harnesses (which are not product code) are not held to it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const MAX_LINES = 300;

const PRODUCT = /^(lib|app|components)\/.*\.tsx?$/;
const NOT_HELD = [/\.test\.tsx?$/, /^lib\/db\/generated\//];

/** Why `text` (a module) may be longer than MAX_LINES, or null when it gives no reason. */
export function statedReason(text: string): string | null {
  const head = text.split("\n", 5).join("\n");
  return /^\/\/ file-length: (\S.*)$/m.exec(head)?.[1] ?? null;
}

/** `file: N lines` for each module in `files` over the limit without a stated reason. */
export function overlong(files: { file: string; text: string }[]): string[] {
  return files
    .filter(({ file }) => PRODUCT.test(file) && !NOT_HELD.some((pattern) => pattern.test(file)))
    .map(({ file, text }) => ({ file, text, lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0) }))
    .filter(({ text, lines }) => lines > MAX_LINES && statedReason(text) === null)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
}

const tracked = () =>
  execFileSync("git", ["ls-files", "-co", "--exclude-standard", "lib", "app", "components"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\n")
    .filter(Boolean);

describe("file length", () => {
  it("holds every product module to 300 lines unless it states a reason", () => {
    const files = tracked().map((file) => ({ file, text: readFileSync(path.join(ROOT, file), "utf8") }));
    expect(files.length).toBeGreaterThan(100);
    expect(overlong(files)).toEqual([]);
  });

  it("finds a long module, and accepts it once it states a reason", () => {
    const long = Array.from({ length: MAX_LINES + 1 }, (_, i) => `export const x${i} = ${i};`).join("\n") + "\n";
    expect(overlong([{ file: "lib/x/long.ts", text: long }])).toEqual(["lib/x/long.ts: 301 lines"]);
    expect(
      overlong([{ file: "lib/x/long.ts", text: `// Why it is long.\n// file-length: one generated table\n${long}` }]),
    ).toEqual([]);
    expect(overlong([{ file: "lib/x/long.test.ts", text: long }])).toEqual([]);
    expect(overlong([{ file: "lib/x/exact.ts", text: long.split("\n").slice(1).join("\n") }])).toEqual([]);
  });

  it("reads a reason only from the first five lines", () => {
    expect(statedReason("// a\n// file-length: ok\n")).toBe("ok");
    expect(statedReason("1\n2\n3\n4\n5\n// file-length: too late\n")).toBeNull();
    expect(statedReason("// file-length: \n")).toBeNull();
  });
});
