// Parser for Stripe's form-encoded request bodies and query strings: `a[b][0][c]=x` nests into
// `{ a: { b: [{ c: "x" }] } }`. This is the encoding the stripe SDK writes (indexed arrays,
// bracketed objects); `a[]=x` (append) is accepted too, as Stripe's API does. Values stay strings:
// each endpoint decides what a field means (Stripe treats an empty string as "unset").
// The `qs` package is not installed here, hence this small, tested parser.

export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

export class FormParseError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 12;

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** `a[b][0][c]` → ["a", "b", "0", "c"]; `a[]` → ["a", ""]. Throws on unbalanced brackets. */
export function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open === -1) return [key];
  const parts = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest.length > 0) {
    const match = /^\[([^\]]*)\]/.exec(rest);
    if (!match) throw new FormParseError(`Invalid parameter name: ${key}`, key);
    parts.push(match[1] ?? "");
    rest = rest.slice(match[0].length);
  }
  if (parts.length > MAX_DEPTH) throw new FormParseError(`Parameter nested too deeply: ${key}`, key);
  return parts;
}

type Building = { [key: string]: string | Building };

function isIndexObject(value: Building): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => /^(0|[1-9]\d*)$/.test(k));
}

/** Turns objects whose keys are all array indexes into arrays (index order, gaps dropped). */
function finish(value: string | Building): FormValue {
  if (typeof value === "string") return value;
  if (isIndexObject(value)) {
    return Object.keys(value)
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => finish(value[String(k)] as string | Building));
  }
  const out: FormObject = {};
  for (const [k, v] of Object.entries(value)) out[k] = finish(v);
  return out;
}

/** Parses `application/x-www-form-urlencoded` text (a body or a query string without `?`). */
export function parseForm(text: string): FormObject {
  const root: Building = {};
  const appendCounters = new Map<Building, number>();
  if (text.trim() === "") return {};
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawKey = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
    const parts = splitKey(rawKey);
    if (parts[0] === "") throw new FormParseError(`Invalid parameter name: ${rawKey}`, rawKey);
    let node: Building = root;
    for (let i = 0; i < parts.length; i++) {
      let part = parts[i] as string;
      if (part === "") {
        // `a[]=x`: append at the next free index.
        const next = appendCounters.get(node) ?? Object.keys(node).length;
        appendCounters.set(node, next + 1);
        part = String(next);
      }
      if (part === "__proto__" || part === "constructor" || part === "prototype") {
        throw new FormParseError(`Invalid parameter name: ${rawKey}`, rawKey);
      }
      const last = i === parts.length - 1;
      const existing = node[part];
      if (last) {
        if (typeof existing === "object")
          throw new FormParseError(`Conflicting values for parameter: ${rawKey}`, rawKey);
        node[part] = value;
      } else {
        if (typeof existing === "string")
          throw new FormParseError(`Conflicting values for parameter: ${rawKey}`, rawKey);
        if (existing === undefined) node[part] = Object.create(null) as Building;
        node = node[part] as Building;
      }
    }
  }
  return finish(root) as FormObject;
}
