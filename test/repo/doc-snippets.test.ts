// Every ```ts block of README.md and docs/*.md compiles against the code as it is: an integrator who
// copies one gets no compile error. Each block is written to its own module under .data/doc-snippets/
// (inside the repo, so `@/` resolves; gitignored) and type-checked with the project's tsconfig by the
// TypeScript compiler API. An error names the document and the line of the block it is on.
//
// A block that is deliberately a fragment may be preceded by the line `<!-- snippet: fragment -->`
// and is then not compiled; prefer a complete block.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const OUT = path.join(ROOT, ".data", "doc-snippets");
const FRAGMENT = "<!-- snippet: fragment -->";

export interface Snippet {
  doc: string;
  /** The 1-based line of the document where the block's code starts (after the opening fence). */
  line: number;
  code: string;
  /** A ```tsx block: compiled as a .tsx module. */
  tsx?: boolean;
}

/** The ```ts / ```tsx blocks of a Markdown text, with the line each one's code starts on. */
export function tsBlocks(doc: string, text: string): Snippet[] {
  const lines = text.split("\n");
  const blocks: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(ts|tsx|typescript)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (end < 0) throw new Error(`${doc}:${i + 1}: unclosed code block`);
    if (lines[i - 1]?.trim() !== FRAGMENT)
      blocks.push({
        doc,
        line: i + 2,
        code: lines.slice(i + 1, end).join("\n"),
        ...(open[1] === "tsx" ? { tsx: true } : {}),
      });
    i = end;
  }
  return blocks;
}

/** Type errors of the snippets, as `doc:line:col message`, the line being the document's. */
export function compileSnippets(snippets: Snippet[]): string[] {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const files = new Map<string, Snippet>();
  for (const s of snippets) {
    const file = path.join(OUT, `${s.doc.replace(/[^A-Za-z0-9]+/g, "_")}_L${s.line}.${s.tsx ? "tsx" : "ts"}`);
    // Each block is a module of its own (its top-level names never meet another block's).
    writeFileSync(file, `${s.code}\nexport {};\n`);
    files.set(path.normalize(file), s);
  }
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, "tsconfig.json"),
    { noEmit: true, incremental: false },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error("tsconfig.json could not be read");
  // The project's declaration files too (the next-auth module augmentation …), as tsc sees them;
  // not what a build generates (next-env.d.ts and the types under .next*/), which `npm test` may be
  // writing while this runs, and which a fresh clone does not have.
  const generated = (f: string) => path.basename(f) === "next-env.d.ts" || /[\\/]\.next[^\\/]*[\\/]/.test(f);
  const declarations = config.fileNames.filter((f) => f.endsWith(".d.ts") && !generated(f));
  const program = ts.createProgram({ rootNames: [...files.keys(), ...declarations], options: config.options });
  const errors: string[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const snippet = d.file ? files.get(path.normalize(d.file.fileName)) : undefined;
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || !snippet) {
      errors.push(`(outside the snippets) ${d.file?.fileName ?? ""}: ${message}`);
      continue;
    }
    const at = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    errors.push(`${snippet.doc}:${snippet.line + at.line}:${at.character + 1} ${message}`);
  }
  return errors;
}

const docs = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const snippets = docs.flatMap((doc) => tsBlocks(doc, readFileSync(path.join(ROOT, doc), "utf8")));

describe("the docs' TypeScript blocks", () => {
  it("finds the guide's blocks", () => {
    expect(snippets.filter((s) => s.doc === "docs/TOKEN_INTEGRATION_GUIDE.md").length).toBeGreaterThanOrEqual(5);
  });

  it("reports a broken block with its document's line", () => {
    const errors = compileSnippets([
      {
        doc: "docs/EXAMPLE.md",
        line: 10,
        code: 'import { estimateChat } from "@/lib/ai/metered";\nconst n: number = "one";',
      },
    ]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^docs\/EXAMPLE\.md:10:\d+ .*estimateChat/);
    expect(errors[1]).toMatch(/^docs\/EXAMPLE\.md:11:7 Type 'string' is not assignable to type 'number'/);
  }, 180_000); // a whole type-check of what the block imports, like the one below

  it("compiles every block of README.md and docs/*.md", () => {
    expect(compileSnippets(snippets)).toEqual([]);
  }, 180_000);
});
