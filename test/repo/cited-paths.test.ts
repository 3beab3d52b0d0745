// Every file path the code and the docs cite exists: a comment or a doc that names `lib/…/x.ts`,
// `metering/index.ts` or `./admission.ts` names a file of the repo, not one that moved or never was.
// A path is looked up from the citing file's folder and then from each folder above it, up to the
// repo's root (so `lib/ai/metered.ts`, `metering/meter.ts` and `./hold.ts` are all found where a
// reader would look).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Files a path may be cited in: the repo's own source and docs (not the generated Prisma client). */
const CITING = /\.(ts|tsx|mjs|md)$/;
const GENERATED = "lib/db/generated/";

/** Paths cited as examples of what an integrator writes, not as files of this repo. */
const EXAMPLES: Record<string, string[]> = {
  "docs/TOKEN_INTEGRATION_GUIDE.md": [
    "app/api/ai/summary/route.ts",
    "app/api/ai/story/route.ts",
    "lib/ai/features/summary.ts",
    "lib/ai/features/workout-plan.ts",
  ],
  "test/repo/doc-snippets.test.ts": ["docs/EXAMPLE.md"],
  "test/repo/cited-paths.test.ts": ["lib/ai/gone.ts", "./nowhere.ts"],
  "test/repo/file-length.test.ts": ["lib/x/long.ts", "lib/x/long.test.ts", "lib/x/exact.ts"],
};
/** Modules a lint test pretends to write (`lib/ai/probe.ts`): test data, named so. */
const PROBE = /(^|\/)probe\.(test\.)?tsx?$/;
/** This file: its paths are test data. */
const SELF = "test/repo/cited-paths.test.ts";

// A path with at least one folder (`lib/x.ts`, `./x.ts`, `../x.ts`, `app/(app)/[id]/page.tsx`); a
// Markdown link `[a.md](a.md)` is two citations.
const CITED =
  /(?<![\w./@:-])((?:\.\.?\/)+[\w\-./()[\]]+\.(?:ts|tsx|mjs|md)|[A-Za-z_][\w\-.()[\]]*\/[\w\-./()[\]]*\.(?:ts|tsx|mjs|md))(?![\w/])/g;

/** The paths `text` (the content of `file`, relative to the root) cites that exist nowhere it could mean. */
export function missingCitations(file: string, text: string, exists: (relative: string) => boolean): string[] {
  const missing = new Set<string>();
  for (const match of text.matchAll(CITED)) {
    for (const cited of match[1]!.split("](")) {
      if (!cited.includes("/") || EXAMPLES[file]?.includes(cited) || PROBE.test(cited)) continue;
      let dir = path.posix.dirname(file);
      let found = false;
      for (;;) {
        if (exists(path.posix.normalize(path.posix.join(dir, cited)))) {
          found = true;
          break;
        }
        if (dir === ".") break;
        dir = path.posix.dirname(dir);
      }
      if (!found) missing.add(cited);
    }
  }
  return [...missing];
}

describe("cited paths", () => {
  it("finds a cited file that is not there, from the citing file's folder up", () => {
    const exists = (p: string) =>
      ["lib/tokens/metering/meter.ts", "lib/tokens/metering/hold.ts", "docs/PRICES.md"].includes(p);
    const text =
      "see lib/tokens/metering/meter.ts, metering/index.ts, ./hold.ts, ./run.ts and [prices](../docs/PRICES.md)";
    expect(missingCitations("lib/tokens/metering/with-tokens.ts", text, exists)).toEqual([
      "metering/index.ts",
      "./run.ts",
    ]);
    expect(missingCitations("test/repo/cited-paths.test.ts", "lib/ai/gone.ts and ./nowhere.ts", exists)).toEqual([]);
  });

  it("every path cited in the repo's code and docs exists", () => {
    const files = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => CITING.test(f) && !f.startsWith(GENERATED) && f !== SELF);
    const exists = (p: string) => existsSync(path.join(ROOT, p));
    const missing = files.flatMap((f) =>
      missingCitations(f, readFileSync(path.join(ROOT, f), "utf8"), exists).map((p) => `${f}: ${p}`),
    );
    expect(missing).toEqual([]);
  });
});
