// The Idempotency-Key stage's checks that need no database: without the header nothing is claimed
// (and the database is not touched); an invalid key is a 400 before any claim. Claims, replays, 409
// and 422 over real Postgres: with-tokens.int.test.ts.
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { claimRequest } from "./idempotency-stage";

const untouchable = new Proxy({}, { get: () => expect.unreachable("the database was used") }) as Db;
const context = {
  db: untouchable,
  userId: "user-1",
  feature: "test",
  retry: { waitMs: 10, firstDelayMs: 1, maxDelayMs: 1 },
  log: () => {},
};
const request = (headers: Record<string, string>) =>
  new Request("http://localhost/api/ai/test", { method: "POST", headers });

describe("claimRequest", () => {
  it("claims nothing without an Idempotency-Key, and its remember and forget do nothing", async () => {
    const result = await claimRequest(request({}), Buffer.from("{}"), context, async () => ({}));
    if (!("claim" in result)) throw new Error("expected a claim");
    expect(result.claim.claimed).toBe(false);
    await result.claim.remember(200, "application/json", "{}");
    await result.claim.forget();
  });

  it("answers 400 for a key that is not printable ASCII without spaces, before any claim", async () => {
    const result = await claimRequest(
      request({ "idempotency-key": "has space" }),
      Buffer.from("{}"),
      context,
      async () => ({}),
    );
    if (!("response" in result)) throw new Error("expected a refusal");
    expect(result.response.status).toBe(400);
    expect(await result.response.json()).toEqual({
      error: "invalid_request",
      message: "Idempotency-Key must be printable ASCII without spaces.",
    });
  });
});
