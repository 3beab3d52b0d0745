import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { claimEvent, finishClaim, recordIgnored } from "./log";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

let seq = 0;
const newEvent = (type = "invoice.paid") => ({ id: `evt_log_${process.pid}_${++seq}`, type });

async function row(eventId: string) {
  const [r] = await t.sql<{ status: string; attempts: number; error: string | null; processed: boolean }>(
    "SELECT status::text, attempts, error, processed_at IS NOT NULL AS processed FROM stripe_webhooks_log WHERE stripe_event_id = $1",
    [eventId],
  );
  return r;
}

describe("stripe_webhooks_log claim", () => {
  it("grants exactly one of 10 concurrent claims of one event", async () => {
    const event = newEvent();
    const claims = await Promise.all(Array.from({ length: 10 }, () => claimEvent(t.db, event, { id: event.id })));
    expect(claims.filter(Boolean)).toEqual([{ rowId: expect.any(BigInt), attempt: 1 }]);
    expect(await row(event.id)).toEqual({ status: "processing", attempts: 1, error: null, processed: false });
  });

  it("refuses a claim of a processed or ignored event", async () => {
    const event = newEvent();
    const claim = (await claimEvent(t.db, event, {}))!;
    await finishClaim(t.db, claim, { status: "processed" });
    expect(await row(event.id)).toEqual({ status: "processed", attempts: 1, error: null, processed: true });
    expect(await claimEvent(t.db, event, {})).toBeNull();

    const ignored = newEvent();
    const claim2 = (await claimEvent(t.db, ignored, {}))!;
    await finishClaim(t.db, claim2, { status: "ignored", note: "not ours" });
    expect(await claimEvent(t.db, ignored, {})).toBeNull();
    expect(await row(ignored.id)).toMatchObject({ status: "ignored", error: "not ours" });
  });

  it("takes a failed event again: attempts counted, error cleared until the next outcome", async () => {
    const event = newEvent();
    const first = (await claimEvent(t.db, event, {}))!;
    await finishClaim(t.db, first, { status: "failed", note: "Error: boom" });
    expect(await row(event.id)).toEqual({ status: "failed", attempts: 1, error: "Error: boom", processed: false });
    const retries = await Promise.all(Array.from({ length: 5 }, () => claimEvent(t.db, event, {})));
    expect(retries.filter(Boolean)).toEqual([{ rowId: first.rowId, attempt: 2 }]);
    expect(await row(event.id)).toEqual({ status: "processing", attempts: 2, error: null, processed: false });
  });

  it("takes over a claim stuck in processing for 5 minutes, never a fresh one", async () => {
    const event = newEvent();
    const stuck = (await claimEvent(t.db, event, {}))!;
    expect(await claimEvent(t.db, event, {})).toBeNull();
    await t.sql(
      "UPDATE stripe_webhooks_log SET claimed_at = now() - interval '4 minutes 50 seconds' WHERE stripe_event_id = $1",
      [event.id],
    );
    expect(await claimEvent(t.db, event, {})).toBeNull();
    await t.sql(
      "UPDATE stripe_webhooks_log SET claimed_at = now() - interval '5 minutes 10 seconds' WHERE stripe_event_id = $1",
      [event.id],
    );
    const retake = await claimEvent(t.db, event, {});
    expect(retake).toEqual({ rowId: stuck.rowId, attempt: 2 });

    // The stuck delivery finishing late cannot overwrite the new attempt's outcome.
    await finishClaim(t.db, stuck, { status: "failed", note: "late" });
    expect(await row(event.id)).toMatchObject({ status: "processing", attempts: 2, error: null });
    await finishClaim(t.db, retake!, { status: "processed" });
    expect(await row(event.id)).toMatchObject({ status: "processed", attempts: 2 });
  });

  it("records an ignored type once", async () => {
    const event = newEvent("customer.created");
    expect(await recordIgnored(t.db, event, {}, "not handled")).toBe(true);
    expect(await recordIgnored(t.db, event, {}, "not handled")).toBe(false);
    expect(await row(event.id)).toEqual({ status: "ignored", attempts: 1, error: "not handled", processed: true });
  });
});
