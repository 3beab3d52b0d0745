// The list of handled event types is the one place they are named: the endpoint set-up in
// docs/STRIPE_SETUP.md (its table and its `stripe listen --events` line) must say exactly the same.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { handlerFor, HANDLED_EVENT_TYPES } from "./dispatch";
import { SYNCED_EVENT_TYPES, syncCustomerOfEvent } from "./synced-events";

const setupDoc = readFileSync(new URL("../../../docs/STRIPE_SETUP.md", import.meta.url), "utf8");
const sorted = (types: Iterable<string>) => [...new Set(types)].sort();

describe("webhook dispatch", () => {
  it("names each handled type once", () => {
    expect(HANDLED_EVENT_TYPES.length).toBe(new Set(HANDLED_EVENT_TYPES).size);
  });

  it("is exactly the event table of docs/STRIPE_SETUP.md", () => {
    const tableTypes = [...setupDoc.matchAll(/^\s*\| `([a-z_.]+)` \|/gm)].map((m) => m[1]!);
    expect(sorted(tableTypes)).toEqual(sorted(HANDLED_EVENT_TYPES));
  });

  it("is exactly the --events list of the documented stripe listen command", () => {
    const line = /--events ([a-z_.,]+)/.exec(setupDoc);
    expect(line).not.toBeNull();
    expect(sorted(line![1]!.split(","))).toEqual(sorted(HANDLED_EVENT_TYPES));
  });

  it("sends every synced type to the one sync handler, others to their own, unknown ones nowhere", () => {
    for (const type of SYNCED_EVENT_TYPES) expect(handlerFor(type)).toBe(syncCustomerOfEvent);
    expect(handlerFor("invoice.paid")).not.toBe(syncCustomerOfEvent);
    expect(handlerFor("invoice.paid")).toBeTypeOf("function");
    expect(handlerFor("customer.created")).toBeNull();
  });
});
