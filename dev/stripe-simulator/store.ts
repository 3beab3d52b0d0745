// The simulator's state: every Stripe object by id (in creation order), the event log, and the
// generic API mechanics that do not depend on the object kind — ids with Stripe's prefixes, list
// pagination (newest first, `limit` / `starting_after` / `ending_before`), `expand[]`, and event
// creation with `data.previous_attributes`.
import { randomBytes } from "node:crypto";
import { invalidRequest } from "./errors";
import { int, str, type Params } from "./params";

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json | undefined;
}

/** Every stored Stripe object: an id, an `object` name, and the rest of its API shape. */
export interface StripeObject extends JsonObject {
  id: string;
  object: string;
}

export const API_VERSION = "2026-10-28.endive";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A Stripe-looking id: `prefix_` + 24 base62 characters (test-mode checkout sessions: `cs_test_`). */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${out}`;
}

let frozenNow: number | null = null;

/** The simulator's "now" (UNIX seconds): the test clock time of the flow running (`atTime`), else the wall clock. */
export function nowSeconds(): number {
  return frozenNow ?? Math.floor(Date.now() / 1000);
}

/** Runs `fn` at `now` (a test clock's time; null: the wall clock). Flows are synchronous, so this nests safely. */
export function atTime<T>(now: number | null, fn: () => T): T {
  const previous = frozenNow;
  frozenNow = now;
  try {
    return fn();
  } finally {
    frozenNow = previous;
  }
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Id prefix → collection name, for `expand[]` and the control API. */
const PREFIXES: Array<[string, string]> = [
  ["cs_test_", "checkout.session"],
  ["prod_", "product"],
  ["price_", "price"],
  ["cus_", "customer"],
  ["sub_sched_", "subscription_schedule"],
  ["sub_", "subscription"],
  ["si_", "subscription_item"],
  ["in_", "invoice"],
  ["pi_", "payment_intent"],
  ["ch_", "charge"],
  ["re_", "refund"],
  ["dp_", "dispute"],
  ["evt_", "event"],
  ["bps_", "billing_portal.session"],
  ["bpc_", "billing_portal.configuration"],
  ["pm_", "payment_method"],
  ["promo_", "promotion_code"],
  ["di_", "discount"],
  ["txr_", "tax_rate"],
  ["clock_", "test_helpers.test_clock"],
];

export function kindOfId(id: string): string | null {
  for (const [prefix, kind] of PREFIXES) if (id.startsWith(prefix)) return kind;
  return null;
}

export interface EventRecord extends StripeObject {
  object: "event";
  type: string;
  created: number;
  data: { object: StripeObject; previous_attributes?: JsonObject };
}

/** Top-level keys whose value differs, with the old value (Stripe's `previous_attributes`). */
export function previousAttributes(before: StripeObject, after: StripeObject): JsonObject | undefined {
  const out: JsonObject = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      out[key] = before[key] === undefined ? null : clone(before[key]!);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export class Store {
  /** kind → id → object, insertion ordered (oldest first). */
  private readonly collections = new Map<string, Map<string, StripeObject>>();

  collection(kind: string): Map<string, StripeObject> {
    let c = this.collections.get(kind);
    if (!c) {
      c = new Map();
      this.collections.set(kind, c);
    }
    return c;
  }

  put<T extends StripeObject>(kind: string, object: T): T {
    this.collection(kind).set(object.id, object);
    return object;
  }

  get<T extends StripeObject = StripeObject>(kind: string, id: string): T | undefined {
    return this.collection(kind).get(id) as T | undefined;
  }

  all<T extends StripeObject = StripeObject>(kind: string): T[] {
    return [...this.collection(kind).values()] as T[];
  }

  /** Any object by id (kind from its prefix), or undefined. */
  byId(id: string): StripeObject | undefined {
    const kind = kindOfId(id);
    return kind ? this.get(kind, id) : undefined;
  }

  kinds(): string[] {
    return [...this.collections.keys()];
  }

  clear(): void {
    this.collections.clear();
  }
}

export interface ListPage<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * Stripe's list envelope over `items` (given oldest first; listed newest first), honouring
 * `limit` (1–100, default 10), `starting_after` and `ending_before`.
 */
export function paginate<T extends { id: string }>(items: T[], params: Params, url: string): ListPage<T> {
  const limit = int(params, "limit") ?? 10;
  if (limit < 1 || limit > 100)
    throw invalidRequest("This value must be between 1 and 100 (it currently is " + limit + ").", "limit");
  const newestFirst = [...items].reverse();
  const after = str(params, "starting_after");
  const before = str(params, "ending_before");
  if (after) {
    const i = newestFirst.findIndex((o) => o.id === after);
    if (i === -1) throw invalidRequest(`No such object: '${after}'`, "starting_after", "resource_missing");
    const rest = newestFirst.slice(i + 1);
    return { object: "list", data: rest.slice(0, limit), has_more: rest.length > limit, url };
  }
  if (before) {
    const i = newestFirst.findIndex((o) => o.id === before);
    if (i === -1) throw invalidRequest(`No such object: '${before}'`, "ending_before", "resource_missing");
    const head = newestFirst.slice(0, i);
    return { object: "list", data: head.slice(Math.max(0, head.length - limit)), has_more: head.length > limit, url };
  }
  return { object: "list", data: newestFirst.slice(0, limit), has_more: newestFirst.length > limit, url };
}

/**
 * Resolves an `expand[]` path on an API value in place. `resolve(id)` returns the object an id
 * names; `includable(object, field)` produces fields that exist only when expanded (e.g. a
 * checkout session's `line_items`). Paths through lists use `data`, as on Stripe.
 */
export function expandPath(
  value: Json | undefined,
  path: string[],
  resolve: (id: string) => StripeObject | undefined,
  includable: (object: JsonObject, field: string) => Json | undefined,
  fullPath: string,
): Json | undefined {
  if (path.length === 0 || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => expandPath(v, path, resolve, includable, fullPath) as Json);
  if (typeof value !== "object") return value;
  const [head, ...rest] = path as [string, ...string[]];
  let child = value[head];
  if (child === undefined) child = includable(value, head);
  if (child === undefined) {
    throw invalidRequest(`This property cannot be expanded (${fullPath}).`, "expand");
  }
  if (typeof child === "string") {
    const found = resolve(child);
    if (!found) throw invalidRequest(`This property cannot be expanded (${fullPath}).`, "expand");
    child = clone(found);
  }
  value[head] = expandPath(child, rest, resolve, includable, fullPath);
  return value;
}
