// The message catalogues stay usable: the same keys in every locale, every message valid ICU that
// formats with the arguments its English original takes, and every key the code names present.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import fr from "../../messages/fr.json";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

const catalogues = { en: flatten(en as Tree), fr: flatten(fr as Tree) };

/** The argument names of an ICU message, from its parsed AST (so nested plural branches count too). */
function argumentNames(message: string, locale: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: unknown): void => {
    if (!Array.isArray(nodes)) return;
    for (const node of nodes as Array<Record<string, unknown>>) {
      if (typeof node.value === "string" && node.type !== 0 && node.type !== 7) names.add(node.value);
      if (node.children) walk(node.children);
      if (node.options)
        for (const option of Object.values(node.options as Record<string, { value: unknown }>)) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, locale).getAst());
  return [...names].sort();
}

describe("message catalogues", () => {
  it("en.json and fr.json have exactly the same keys", () => {
    const enKeys = [...catalogues.en.keys()].sort();
    const frKeys = [...catalogues.fr.keys()].sort();
    expect(frKeys.filter((k) => !catalogues.en.has(k))).toEqual([]);
    expect(enKeys.filter((k) => !catalogues.fr.has(k))).toEqual([]);
  });

  it.each(Object.keys(catalogues))("every %s message parses as ICU and takes the English arguments", (locale) => {
    for (const [key, message] of catalogues[locale as keyof typeof catalogues]) {
      let names: string[] = [];
      expect(() => (names = argumentNames(message, locale)), `${locale}: ${key}`).not.toThrow();
      expect(names, `${locale}: ${key} arguments`).toEqual(argumentNames(catalogues.en.get(key)!, "en"));
    }
  });

  it("every key named in app/ and components/ exists", () => {
    const missing: string[] = [];
    for (const file of sourceFiles(["app", "components"])) {
      for (const candidates of usedKeys(readFileSync(file, "utf8"))) {
        if (!candidates.some((key) => catalogues.en.has(key) || isNamespace(key)))
          missing.push(`${file}: ${candidates[0]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("the scan finds keys (it is not vacuous)", () => {
    const source = `const t = useTranslations("shell");\nt("signOut"); t.rich("x.y", {});\nconst g = await getTranslations();\ng("a.b");`;
    expect(usedKeys(source)).toEqual([
      ["shell.signOut", "signOut"],
      ["shell.x.y", "x.y"],
      ["shell.a.b", "a.b"],
    ]);
  });
});

function isNamespace(key: string): boolean {
  return [...catalogues.en.keys()].some((k) => k.startsWith(`${key}.`));
}

/**
 * A static scan: `const t = useTranslations("ns")` / `await getTranslations("ns")` binds a name to
 * a namespace. Every `t("key")`, `t.rich("key")`, `t.markup("key")` with a literal key (t: any
 * bound name, or a translator passed in as a parameter of that name) must name a message under
 * one of the namespaces the file binds: the candidates returned per call. Keys built at run time
 * are checked by tsc instead (lib/i18n/next-intl.d.ts types every key).
 */
function usedKeys(source: string): string[][] {
  const bind =
    /const\s+(\w+)\s*=\s*(?:await\s+)?(?:useTranslations|getTranslations)\(\s*(?:"([^"]*)"|\{\s*[^}]*namespace:\s*"([^"]*)"[^}]*\})?\s*\)/g;
  const bindings = [...source.matchAll(bind)].map((m) => ({ name: m[1]!, namespace: m[2] ?? m[3] ?? "" }));
  const namespaces = [...new Set(bindings.map((b) => b.namespace))];
  const names = [...new Set(bindings.map((b) => b.name))];
  const keys: string[][] = [];
  if (names.length === 0) return keys;
  const call = new RegExp(`\\b(?:${names.join("|")})(?:\\.rich|\\.markup)?\\(\\s*"([^"]+)"`, "g");
  for (const m of source.matchAll(call)) keys.push(namespaces.map((ns) => (ns ? `${ns}.${m[1]}` : m[1]!)));
  return keys;
}

function sourceFiles(roots: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(full);
    }
  };
  for (const root of roots) walk(root);
  return out;
}
