// A deterministic sample generator for JSON Schema (draft 2020-12 as z.toJSONSchema and OpenAI's
// structured outputs write it, plus draft-07 spellings): given a schema, it returns a value that
// validates against it. Choices (enum members, numbers, words, uuids) come from a seeded PRNG, so the
// same schema and seed always give the same value.
//
// Supported: type (single or array — the first non-"null" type is used), const, enum, $ref to "#",
// "#/$defs/…", "#/definitions/…" or any JSON pointer in the document (siblings of $ref are merged),
// allOf (merged), anyOf/oneOf (the first branch that is not just {type:"null"}), object
// (properties — all of them are filled, optional ones included —, required, additionalProperties,
// propertyNames, minProperties/maxProperties), array (items, prefixItems, draft-07 tuple items +
// additionalItems, minItems/maxItems, uniqueItems, contains), string (minLength/maxLength, format,
// pattern — several patterns are all honoured when a candidate satisfies them), number/integer
// (minimum/maximum, exclusiveMinimum/exclusiveMaximum as numbers or draft-04 booleans, multipleOf),
// boolean, null. Recursive schemas stop recursing past `maxDepth` levels: deeper objects get only their
// required properties and deeper arrays only minItems elements.
import { compilePattern, sampleRegex } from "./regex-sample";
import { Rng } from "./rng";

type Schema = Record<string, unknown>;

export interface SampleOptions {
  /** Seed of the PRNG (default ""). */
  seed?: string;
  /** Nesting level after which optional content is left out (default 6). */
  maxDepth?: number;
}

const HARD_DEPTH_LIMIT = 40;

const WORDS = [
  "steady",
  "progress",
  "focus",
  "morning",
  "routine",
  "goal",
  "energy",
  "habit",
  "plan",
  "review",
  "balance",
  "session",
  "practice",
  "recovery",
  "momentum",
  "clarity",
  "coach",
  "week",
  "small",
  "step",
];

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

class Sampler {
  constructor(
    private readonly root: unknown,
    private readonly rng: Rng,
    private readonly maxDepth: number,
  ) {}

  sample(schema: unknown, depth: number): unknown {
    if (depth > HARD_DEPTH_LIMIT) return null;
    if (schema === true || schema === undefined) return null;
    if (!isSchema(schema)) return null;
    const flat = this.flatten(schema, 0);
    if ("const" in flat) return flat.const;
    if (Array.isArray(flat.enum) && flat.enum.length > 0) return this.rng.pick(flat.enum);
    switch (this.typeOf(flat)) {
      case "object":
        return this.object(flat, depth);
      case "array":
        return this.array(flat, depth);
      case "string":
        return this.string(flat);
      case "integer":
        return this.number(flat, true);
      case "number":
        return this.number(flat, false);
      case "boolean":
        return this.rng.bool();
      default:
        return null;
    }
  }

  // --- schema plumbing ---------------------------------------------------------------------------

  private resolveRef(ref: string): unknown {
    if (ref === "#" || ref === "") return this.root;
    if (ref.startsWith("#/")) {
      let node: unknown = this.root;
      for (const raw of ref.slice(2).split("/")) {
        const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
        if (typeof node !== "object" || node === null) return undefined;
        node = (node as Record<string, unknown>)[key];
      }
      return node;
    }
    if (ref.startsWith("#")) return this.findAnchor(this.root, ref.slice(1));
    return undefined;
  }

  private findAnchor(node: unknown, anchor: string): unknown {
    if (typeof node !== "object" || node === null) return undefined;
    if (isSchema(node) && (node.$anchor === anchor || node.$id === `#${anchor}`)) return node;
    for (const child of Object.values(node)) {
      const found = this.findAnchor(child, anchor);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Resolves $ref, merges allOf and picks the anyOf/oneOf branch, until a plain schema remains. */
  private flatten(schema: Schema, guard: number): Schema {
    if (guard > 32) return {};
    let current: Schema = schema;
    if (typeof current.$ref === "string") {
      const { $ref, ...siblings } = current;
      const target = this.resolveRef($ref as string);
      const resolved = isSchema(target) ? this.flatten(target, guard + 1) : {};
      current = mergeSchemas(resolved, siblings);
    }
    if (Array.isArray(current.allOf)) {
      const { allOf, ...rest } = current;
      let merged: Schema = rest;
      for (const part of allOf as unknown[]) {
        if (isSchema(part)) merged = mergeSchemas(merged, this.flatten(part, guard + 1));
      }
      current = this.flatten(merged, guard + 1);
    }
    for (const key of ["anyOf", "oneOf"] as const) {
      const branches = current[key];
      if (Array.isArray(branches) && branches.length > 0) {
        const rest: Schema = { ...current };
        delete rest[key];
        const flatBranches = branches.filter(isSchema).map((b) => this.flatten(b, guard + 1));
        const chosen = flatBranches.find((b) => !isNullOnly(b)) ?? flatBranches[0] ?? {};
        current = this.flatten(mergeSchemas(rest, chosen), guard + 1);
      }
    }
    return current;
  }

  private typeOf(schema: Schema): string {
    const type = schema.type;
    if (typeof type === "string") return type;
    if (Array.isArray(type)) {
      const nonNull = type.filter((t) => t !== "null");
      return (nonNull[0] as string | undefined) ?? "null";
    }
    if ("properties" in schema || "required" in schema || "additionalProperties" in schema) return "object";
    if ("items" in schema || "prefixItems" in schema || "minItems" in schema) return "array";
    if ("minLength" in schema || "maxLength" in schema || "pattern" in schema || "format" in schema) return "string";
    if ("minimum" in schema || "maximum" in schema || "multipleOf" in schema) return "number";
    return "null";
  }

  // --- object -------------------------------------------------------------------------------------

  private object(schema: Schema, depth: number): Record<string, unknown> {
    const minimal = depth >= this.maxDepth;
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const additional = schema.additionalProperties;
    const entries: [string, unknown][] = [];
    for (const [key, propSchema] of Object.entries(properties)) {
      if (required.has(key) || !minimal) entries.push([key, this.sample(propSchema, depth + 1)]);
    }
    const extraSchema = isSchema(additional) ? additional : {};
    for (const key of required) {
      if (!(key in properties)) entries.push([key, this.sample(extraSchema, depth + 1)]);
    }
    const minProperties = asNumber(schema.minProperties) ?? 0;
    const recordLike = isSchema(additional) && Object.keys(properties).length === 0 && !minimal;
    let extra = 0;
    while (additional !== false && (entries.length < minProperties || (recordLike && extra === 0))) {
      const key = this.propertyName(schema.propertyNames, entries, extra);
      if (key === null) break;
      entries.push([key, this.sample(isSchema(additional) ? additional : { type: "string" }, depth + 1)]);
      extra++;
    }
    const maxProperties = asNumber(schema.maxProperties);
    if (maxProperties !== undefined && entries.length > maxProperties) {
      const kept = entries.filter(([k]) => required.has(k));
      for (const entry of entries) if (kept.length < maxProperties && !required.has(entry[0])) kept.push(entry);
      return Object.fromEntries(kept);
    }
    return Object.fromEntries(entries);
  }

  private propertyName(namesSchema: unknown, taken: [string, unknown][], index: number): string | null {
    const used = new Set(taken.map(([k]) => k));
    if (isSchema(namesSchema)) {
      const flat = this.flatten(namesSchema, 0);
      if (Array.isArray(flat.enum)) {
        const free = flat.enum.find((v) => typeof v === "string" && !used.has(v));
        return typeof free === "string" ? free : null;
      }
      if (typeof flat.const === "string") return used.has(flat.const) ? null : flat.const;
      for (let attempt = 0; attempt < 8; attempt++) {
        const name = this.string(flat);
        if (!used.has(name)) return name;
      }
      return null;
    }
    for (let i = index; ; i++) {
      const name = `${WORDS[i % WORDS.length]}${i >= WORDS.length ? `_${i}` : ""}`;
      if (!used.has(name)) return name;
    }
  }

  // --- array --------------------------------------------------------------------------------------

  private array(schema: Schema, depth: number): unknown[] {
    const minimal = depth >= this.maxDepth;
    const tuple = Array.isArray(schema.prefixItems)
      ? (schema.prefixItems as unknown[])
      : Array.isArray(schema.items)
        ? (schema.items as unknown[])
        : [];
    const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
    const minItems = asNumber(schema.minItems) ?? 0;
    let maxItems = asNumber(schema.maxItems) ?? Infinity;
    if (rest === false) maxItems = Math.min(maxItems, tuple.length);
    let count = minimal ? minItems : Math.max(minItems, Math.min(2, maxItems), Math.min(tuple.length, maxItems));
    count = Math.min(count, maxItems);
    const unique = schema.uniqueItems === true;
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const itemSchema =
        i === 0 && schema.contains !== undefined ? schema.contains : i < tuple.length ? tuple[i] : rest;
      let value = this.sample(itemSchema, depth + 1);
      if (unique) {
        for (let attempt = 0; attempt < 12 && seen.has(JSON.stringify(value)); attempt++) {
          value = this.sample(itemSchema, depth + 1);
        }
        if (seen.has(JSON.stringify(value))) break;
        seen.add(JSON.stringify(value));
      }
      out.push(value);
    }
    return out;
  }

  // --- string -------------------------------------------------------------------------------------

  private string(schema: Schema): string {
    const minLength = asNumber(schema.minLength) ?? 0;
    const maxLength = asNumber(schema.maxLength) ?? Infinity;
    const patternSources = collectPatterns(schema);
    const patterns = patternSources.map(compilePattern).filter((p): p is RegExp => p !== null);
    const length = (s: string) => [...s].length;
    const ok = (s: string) => length(s) >= minLength && length(s) <= maxLength && patterns.every((p) => p.test(s));

    const candidates: string[] = [];
    const format = typeof schema.format === "string" ? formatSample(schema.format, this.rng) : null;
    if (format !== null) {
      if (ok(format)) return format;
      candidates.push(format);
    }
    if (patternSources.length === 0) {
      const words = this.words(minLength, maxLength);
      if (ok(words)) return words;
      candidates.push(words);
    } else {
      const tryPattern = (extra: number, alternatives: "first" | "random"): string | null => {
        const samples: string[] = [];
        for (const source of patternSources) {
          try {
            samples.push(sampleRegex(source, { rng: this.rng, extra, alternatives }));
          } catch {
            // unparseable pattern: other candidates may still match
          }
        }
        for (const s of samples) if (ok(s)) return s;
        const joined = samples.join("");
        if (ok(joined)) return joined;
        candidates.push(...samples, joined);
        return null;
      };
      for (const alternatives of ["first", "random", "random", "random"] as const) {
        for (let extra = 0; extra <= 256; extra++) {
          const hit = tryPattern(extra, alternatives);
          if (hit !== null) return hit;
          const last = candidates[candidates.length - 1] ?? "";
          if (length(last) > maxLength && extra > 0) break;
          if (extra > minLength + 8) break;
        }
      }
    }
    // Nothing satisfied everything: the closest candidate, padded or cut to the length bounds.
    let best = candidates[0] ?? "";
    if (length(best) < minLength) best = best + "x".repeat(minLength - length(best));
    if (length(best) > maxLength) best = [...best].slice(0, maxLength).join("");
    return best;
  }

  private words(minLength: number, maxLength: number): string {
    const hi = Number.isFinite(maxLength) ? maxLength : Math.max(minLength, 48);
    const target = Math.min(hi, Math.max(minLength, this.rng.int(10, 32)));
    if (target <= 0) return "";
    let text = "";
    while (text.length < target) {
      const word = this.rng.pick(WORDS);
      text = text.length === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : `${text} ${word}`;
    }
    text = text.slice(0, hi).trimEnd();
    if (text.length < minLength) text = text + "s".repeat(minLength - text.length);
    return text;
  }

  // --- number -------------------------------------------------------------------------------------

  private number(schema: Schema, integer: boolean): number {
    let lo = asNumber(schema.minimum) ?? -Infinity;
    let hi = asNumber(schema.maximum) ?? Infinity;
    let loOpen = false;
    let hiOpen = false;
    const exMin = schema.exclusiveMinimum;
    const exMax = schema.exclusiveMaximum;
    if (typeof exMin === "number" && exMin >= lo) [lo, loOpen] = [exMin, true];
    if (exMin === true) loOpen = true;
    if (typeof exMax === "number" && exMax <= hi) [hi, hiOpen] = [exMax, true];
    if (exMax === true) hiOpen = true;

    // A "nice" window of the allowed range: start at 0 when 0 is allowed, else at the nearer bound.
    let wLo: number;
    let wHi: number;
    if (lo <= 0 && hi >= 0) [wLo, wHi] = [Math.max(lo, 0), Math.min(hi, Math.max(lo, 0) + 100)];
    else if (lo > 0) [wLo, wHi] = [lo, Math.min(hi, lo + 100)];
    else [wLo, wHi] = [Math.max(lo, hi - 100), hi];
    const openLo = loOpen && wLo === lo;
    const openHi = hiOpen && wHi === hi;

    const multipleOf = asNumber(schema.multipleOf);
    const step = multipleOf !== undefined && multipleOf > 0 ? multipleOf : integer ? 1 : undefined;
    if (step !== undefined) {
      const decimals = decimalPlaces(step);
      let kLo = Math.ceil(wLo / step - 1e-9);
      let kHi = Math.floor(wHi / step + 1e-9);
      if (openLo && roundTo(kLo * step, decimals) <= lo) kLo++;
      if (openHi && roundTo(kHi * step, decimals) >= hi) kHi--;
      if (integer && !Number.isInteger(step)) {
        // integer and a fractional multipleOf: walk the candidates for one that is an integer
        for (let k = kLo; k <= kHi && k < kLo + 10_000; k++) {
          const v = roundTo(k * step, decimals);
          if (Number.isInteger(v)) return v;
        }
      }
      if (kHi < kLo) return roundTo(kLo * step, decimals);
      return roundTo(this.rng.int(kLo, kHi) * step, decimals);
    }
    const raw = wLo + (wHi - wLo) * (0.1 + 0.8 * this.rng.next());
    const rounded = roundTo(raw, 2);
    const inside = (v: number) => (openLo ? v > lo : v >= lo) && (openHi ? v < hi : v <= hi);
    if (inside(rounded)) return rounded;
    if (inside(raw)) return raw;
    return (wLo + wHi) / 2;
  }
}

function isNullOnly(schema: Schema): boolean {
  return schema.type === "null" || (Array.isArray(schema.type) && schema.type.every((t) => t === "null"));
}

const PATTERNS_KEY = "x-simulator-patterns";

function collectPatterns(schema: Schema): string[] {
  const out: string[] = [];
  if (typeof schema.pattern === "string") out.push(schema.pattern);
  if (Array.isArray(schema[PATTERNS_KEY])) out.push(...(schema[PATTERNS_KEY] as string[]));
  return out;
}

/** Merges two schemas that must both hold (allOf, $ref siblings): bounds are tightened, lists united. */
function mergeSchemas(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    if (prev === undefined) {
      out[key] = value;
      continue;
    }
    switch (key) {
      case "properties":
        if (isSchema(prev) && isSchema(value)) {
          const props: Schema = { ...prev };
          for (const [name, sub] of Object.entries(value)) {
            props[name] = props[name] === undefined ? sub : { allOf: [props[name], sub] };
          }
          out.properties = props;
        }
        break;
      case "required":
        out.required = [...new Set([...(prev as string[]), ...(value as string[])])];
        break;
      case "minimum":
      case "minLength":
      case "minItems":
      case "minProperties":
      case "exclusiveMinimum":
        out[key] = typeof prev === "number" && typeof value === "number" ? Math.max(prev, value) : value;
        break;
      case "maximum":
      case "maxLength":
      case "maxItems":
      case "maxProperties":
      case "exclusiveMaximum":
        out[key] = typeof prev === "number" && typeof value === "number" ? Math.min(prev, value) : value;
        break;
      case "pattern":
        out[PATTERNS_KEY] = [...((out[PATTERNS_KEY] as string[] | undefined) ?? []), value];
        break;
      case PATTERNS_KEY:
        out[PATTERNS_KEY] = [...(prev as string[]), ...(value as string[])];
        break;
      case "type": {
        const left = Array.isArray(prev) ? prev : [prev];
        const right = Array.isArray(value) ? value : [value];
        const both = left.filter((t) => right.includes(t) || (t === "integer" && right.includes("number")));
        const extra = right.filter((t) => t === "integer" && left.includes("number") && !both.includes("integer"));
        const merged = [...both, ...extra];
        out.type = merged.length === 1 ? merged[0] : merged.length > 0 ? merged : value;
        break;
      }
      case "enum":
        if (Array.isArray(prev) && Array.isArray(value)) {
          const common = prev.filter((v) => value.some((w) => JSON.stringify(v) === JSON.stringify(w)));
          out.enum = common.length > 0 ? common : value;
        }
        break;
      case "additionalProperties":
        out.additionalProperties = prev === false || value === false ? false : value;
        break;
      default:
        out[key] = value;
    }
  }
  return out;
}

function decimalPlaces(n: number): number {
  const s = String(n);
  if (s.includes("e-")) return Number(s.split("e-")[1]);
  const dot = s.indexOf(".");
  return dot === -1 ? 0 : s.length - dot - 1;
}

function roundTo(n: number, decimals: number): number {
  const f = 10 ** Math.min(decimals, 12);
  return Math.round(n * f) / f;
}

function hex(rng: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += "0123456789abcdef"[rng.int(0, 15)];
  return out;
}

/** Canonical samples for JSON Schema / zod string formats; null for formats left to `pattern`. */
export function formatSample(format: string, rng: Rng): string | null {
  const n = rng.int(1, 9);
  const day = String(rng.int(10, 28));
  const month = `0${rng.int(1, 9)}`;
  const time = `${String(rng.int(10, 19))}:${String(rng.int(10, 59))}:00`;
  switch (format) {
    case "email":
    case "idn-email":
      return `coach${n}@example.com`;
    case "uuid":
    case "guid":
      return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${"89ab"[rng.int(0, 3)]}${hex(rng, 3)}-${hex(rng, 12)}`;
    case "date-time":
      return `2025-${month}-${day}T${time}Z`;
    case "date":
      return `2025-${month}-${day}`;
    case "time":
      return time;
    case "duration":
      return `PT${n * 5}M`;
    case "uri":
    case "url":
    case "iri":
    case "uri-reference":
    case "iri-reference":
      return `https://example.com/coach/${n}`;
    case "uri-template":
      return "https://example.com/coach/{id}";
    case "hostname":
    case "idn-hostname":
      return "coach.example.com";
    case "ipv4":
      return `192.0.2.${n}`;
    case "ipv6":
      return `2001:db8::${n}`;
    case "cidrv4":
      return "192.0.2.0/24";
    case "cidrv6":
      return "2001:db8::/32";
    case "json-pointer":
      return `/coach/${n}`;
    case "relative-json-pointer":
      return "0/coach";
    case "regex":
      return "^[a-z]+$";
    case "byte":
    case "base64":
      return "U2ltdWxhdG9y";
    case "base64url":
      return "U2ltdWxhdG9y";
    case "emoji":
      return "\u{1F642}";
    default:
      return null;
  }
}

/** A value that validates against `schema` (see the file header for what is supported). */
export function sampleFromJsonSchema(schema: unknown, options: SampleOptions = {}): unknown {
  const sampler = new Sampler(schema, new Rng(`schema:${options.seed ?? ""}`), options.maxDepth ?? 6);
  return sampler.sample(schema, 0);
}
