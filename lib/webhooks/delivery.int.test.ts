// Outgoing webhooks over real PostgreSQL and a real HTTP receiver on loopback that verifies with
// the Standard Webhooks library: the outbox (transactional, idempotent), signing, the retry
// schedule on an injected clock, replay, rotation, disabled endpoints, the SSRF guard, and several
// workers at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/webhooks/receiver";
import { deliverDueWebhooks, MAX_ATTEMPTS, replayDelivery, RETRY_DELAYS_MS } from "./deliver";
import { createEndpoint, rotateSecret, sendTestEvent, setEndpointEnabled } from "./endpoints";
import { emitEvent, parseWebhookPayload, type EmitRequest, type SubscribableEventType } from "./events";
import { generateSecret, signatureHeaders } from "./signing";

let t: TestDatabase;
let receiver: WebhookReceiver;
beforeAll(async () => {
  t = await createTestDatabase();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await t?.drop();
});
beforeEach(async () => {
  await t.sql("DELETE FROM webhook_endpoints");
  await t.sql("DELETE FROM webhook_events");
  receiver.clear();
});

const WORKER = { allowPrivate: true };

async function endpoint(types: SubscribableEventType[] = ["tokens.low"], url = receiver.url) {
  const created = await createEndpoint(t.db, { url, eventTypes: types }, { adminId: "admin-1", allowPrivate: true });
  if (!created.ok) throw new Error(created.message);
  receiver.secrets = [created.secret];
  return created;
}

const low = (key: string, userId = "user-1"): EmitRequest<"tokens.low"> => ({
  type: "tokens.low",
  key,
  userId,
  data: {
    userId,
    availableMillitokens: "9500",
    allowanceMillitokens: "100000",
    thresholdPercent: 10,
    periodStart: "2026-12-01T00:00:00.000Z",
    periodEnd: "2027-01-01T00:00:00.000Z",
  },
});

const deliveries = () =>
  t.sql<{ id: string; status: string; attempts: number; next_attempt_at: Date; last_status_code: number | null }>(
    "SELECT id, status::text, attempts, next_attempt_at, last_status_code FROM webhook_deliveries ORDER BY created_at",
  );

describe("signing", () => {
  it("is verified by the library's own Webhook.verify; a tampered body, another secret or an old timestamp is refused", () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: "tokens.low", timestamp: "2026-12-04T10:00:00.000Z", data: { userId: "u" } });
    const headers = signatureHeaders("msg_1", body, [secret], new Date());
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('"u"', '"v"'), { ...headers })).toThrow(/signature/i);
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).toThrow(/signature/i);
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_2" })).toThrow(/signature/i);
    const old = signatureHeaders("msg_1", body, [secret], new Date(Date.now() - 10 * 60_000));
    expect(() => new Webhook(secret).verify(body, { ...old })).toThrow(/too old/i);
  });
});

describe("the outbox", () => {
  it("writes deliveries due at once: never after the instant of the emit (no rounding up to the next millisecond)", async () => {
    // timestamptz(3) rounds half up: a default of now() would land after now() about every other
    // time, and the after-commit kick reading its clock in that millisecond would skip the delivery.
    await endpoint(["tokens.low"]);
    for (let i = 0; i < 20; i++) {
      const [row] = await t.db.$transaction(async (tx) => {
        await emitEvent(tx, low(`low:due-${i}`));
        return tx.$queryRaw<{ due: boolean }[]>`
          SELECT bool_and(d.next_attempt_at <= now()) AS due FROM webhook_deliveries d
          JOIN webhook_events e ON e.id = d.event_id WHERE e.idempotency_key = ${`low:due-${i}`}`;
      });
      expect(row!.due).toBe(true);
    }
  });

  it("delivers an emitted event signed, with the three headers and the envelope, to the subscribed endpoint only", async () => {
    await endpoint(["tokens.low"]);
    const other = await startWebhookReceiver();
    try {
      const unsubscribed = await createEndpoint(
        t.db,
        { url: other.url, eventTypes: ["period.started"] },
        { adminId: "admin-1", allowPrivate: true },
      );
      expect(unsubscribed.ok).toBe(true);
      const emitted = await t.db.$transaction((tx) => emitEvent(tx, low("low:1")));
      expect(emitted).toEqual({ msgId: expect.stringMatching(/^msg_[0-9a-f]{32}$/), deliveries: 1 });
      expect(await deliverDueWebhooks(t.db, WORKER)).toEqual({ succeeded: 1, retried: 0, failed: 0 });
      const [message] = receiver.delivered();
      expect(message).toMatchObject({ id: emitted!.msgId, verified: true });
      expect(message!.headers["content-type"]).toBe("application/json");
      expect(Number(message!.timestamp)).toBeCloseTo(Date.now() / 1000, -2);
      const payload = parseWebhookPayload(message!.body);
      expect(payload).toEqual({ type: "tokens.low", timestamp: expect.any(String), data: low("x").data });
      expect(other.messages).toEqual([]);
      expect(await deliveries()).toMatchObject([{ status: "succeeded", attempts: 1, last_status_code: 204 }]);
    } finally {
      await other.close();
    }
  });

  it("stores an event emitted twice with one key once, and delivers it once", async () => {
    await endpoint();
    const first = await t.db.$transaction((tx) => emitEvent(tx, low("low:twice")));
    const second = await t.db.$transaction((tx) => emitEvent(tx, low("low:twice")));
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    await deliverDueWebhooks(t.db, WORKER);
    await deliverDueWebhooks(t.db, WORKER);
    expect(receiver.messages).toHaveLength(1);
    expect(await t.sql("SELECT 1 FROM webhook_events")).toHaveLength(1);
  });

  it("emits nothing from a rolled-back transaction", async () => {
    await endpoint();
    await expect(
      t.db.$transaction(async (tx) => {
        await emitEvent(tx, low("low:rolled-back"));
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await t.sql("SELECT 1 FROM webhook_events")).toEqual([]);
    expect(await deliverDueWebhooks(t.db, WORKER)).toEqual({ succeeded: 0, retried: 0, failed: 0 });
    expect(receiver.messages).toEqual([]);
  });

  it("stores nothing when no enabled endpoint subscribes, and refuses a payload its schema does not allow", async () => {
    expect(await emitEvent(t.db, low("low:nobody"))).toBeNull();
    expect(await t.sql("SELECT 1 FROM webhook_events")).toEqual([]);
    await endpoint();
    await expect(
      emitEvent(t.db, { ...low("low:bad"), data: { ...low("x").data, availableMillitokens: "9.5" } }),
    ).rejects.toThrow(/integer string/);
    await expect(
      // @ts-expect-error -- an e-mail address is not part of the payload
      emitEvent(t.db, { ...low("low:extra"), data: { ...low("x").data, email: "a@example.com" } }),
    ).resolves.not.toBeNull();
    const [row] = await t.sql<{ payload: string }>("SELECT payload FROM webhook_events");
    expect(row!.payload).not.toContain("a@example.com"); // unknown keys are stripped by the schema
  });
});

describe("retries", () => {
  it("follows the backoff schedule on the injected clock over more than 24 h, then fails for good", async () => {
    await endpoint();
    await emitEvent(t.db, low("low:retry"));
    receiver.failNext(100, 503);
    let now = new Date();
    const start = now.getTime();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Not due a millisecond before its time.
      if (attempt > 1) {
        const early = new Date(now.getTime() - 1);
        expect(await deliverDueWebhooks(t.db, { ...WORKER, now: early })).toEqual({
          succeeded: 0,
          retried: 0,
          failed: 0,
        });
      }
      const report = await deliverDueWebhooks(t.db, { ...WORKER, now });
      const [row] = await deliveries();
      expect(row!.attempts).toBe(attempt);
      expect(row!.last_status_code).toBe(503);
      if (attempt < MAX_ATTEMPTS) {
        expect(report).toEqual({ succeeded: 0, retried: 1, failed: 0 });
        // The delay counts from the attempt's end (the injected clock runs on with real time).
        const wait = row!.next_attempt_at.getTime() - now.getTime();
        expect(wait).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[attempt - 1]!);
        expect(wait).toBeLessThan(RETRY_DELAYS_MS[attempt - 1]! + 2_000);
        now = row!.next_attempt_at;
      } else {
        expect(report).toEqual({ succeeded: 0, retried: 0, failed: 1 });
        expect(row!.status).toBe("failed");
      }
    }
    expect(now.getTime() - start).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(RETRY_DELAYS_MS.slice(0, 3)).toEqual([5_000, 300_000, 1_800_000]);
    expect(await deliverDueWebhooks(t.db, { ...WORKER, now: new Date(now.getTime() + 7 * 86_400_000) })).toEqual({
      succeeded: 0,
      retried: 0,
      failed: 0,
    });
    expect(receiver.messages).toHaveLength(MAX_ATTEMPTS);
    // Every attempt: the same message id and body, each signed (and verified) afresh.
    expect(new Set(receiver.messages.map((m) => m.id)).size).toBe(1);
    expect(new Set(receiver.messages.map((m) => m.body)).size).toBe(1);
    expect(receiver.messages.every((m) => m.verified)).toBe(true);
    const attempts = await t.sql<{ attempt: number; status_code: number; response: string; trigger: string }>(
      "SELECT attempt, status_code, response, trigger FROM webhook_delivery_attempts ORDER BY attempt",
    );
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(attempts[0]).toMatchObject({ status_code: 503, response: "receiver says 503", trigger: "schedule" });
  });

  it("a success on a retry ends the schedule; a timeout and a refused connection are retried", async () => {
    await endpoint();
    await emitEvent(t.db, low("low:timeout"));
    receiver.hangNext(1, 2_000);
    expect(await deliverDueWebhooks(t.db, { ...WORKER, timeoutMs: 300 })).toEqual({
      succeeded: 0,
      retried: 1,
      failed: 0,
    });
    const [attempt1] = await t.sql<{ error: string }>("SELECT error FROM webhook_delivery_attempts");
    expect(attempt1!.error).toMatch(/timed out after 300 ms/);
    const later = new Date(Date.now() + RETRY_DELAYS_MS[0]!);
    expect(await deliverDueWebhooks(t.db, { ...WORKER, now: later })).toEqual({ succeeded: 1, retried: 0, failed: 0 });
    expect(await deliveries()).toMatchObject([{ status: "succeeded", attempts: 2 }]);

    const closed = await startWebhookReceiver();
    const url = closed.url;
    await closed.close();
    await t.sql("DELETE FROM webhook_endpoints");
    await endpoint(["tokens.low"], url);
    await emitEvent(t.db, low("low:refused"));
    expect(await deliverDueWebhooks(t.db, WORKER)).toEqual({ succeeded: 0, retried: 1, failed: 0 });
    const [refused] = await t.sql<{ last_error: string }>("SELECT last_error FROM webhook_deliveries");
    expect(refused!.last_error).toMatch(/ECONNREFUSED/);
  });
});

describe("replay", () => {
  it("makes a new attempt of a failed delivery with the same message id, and records it", async () => {
    await endpoint();
    const emitted = await emitEvent(t.db, low("low:replay"));
    await t.sql("UPDATE webhook_deliveries SET status = 'failed', attempts = $1", [MAX_ATTEMPTS]);
    const [row] = await deliveries();
    expect(await replayDelivery(t.db, row!.id, WORKER)).toEqual({ ok: true, outcome: "succeeded" });
    expect(receiver.delivered().map((m) => m.id)).toEqual([emitted!.msgId]);
    expect(await deliveries()).toMatchObject([{ status: "succeeded", attempts: MAX_ATTEMPTS + 1 }]);
    const [attempt] = await t.sql<{ trigger: string; attempt: number }>(
      "SELECT trigger, attempt FROM webhook_delivery_attempts",
    );
    expect(attempt).toEqual({ trigger: "replay", attempt: MAX_ATTEMPTS + 1 });

    // A replay that fails leaves a delivered-then-replayed one failed (one attempt, no new schedule).
    receiver.failNext(1);
    expect(await replayDelivery(t.db, row!.id, WORKER)).toEqual({ ok: true, outcome: "failed" });
    expect(receiver.messages.map((m) => m.id)).toEqual([emitted!.msgId, emitted!.msgId]);
  });

  it("is refused for an unknown delivery, one in flight, and one whose endpoint is disabled", async () => {
    const created = await endpoint();
    await emitEvent(t.db, low("low:replay-refused"));
    const [row] = await deliveries();
    expect(await replayDelivery(t.db, "00000000-0000-4000-8000-000000000000", WORKER)).toEqual({
      ok: false,
      reason: "not_found",
    });
    await t.sql("UPDATE webhook_deliveries SET claimed_until = now() + interval '1 minute'");
    expect(await replayDelivery(t.db, row!.id, WORKER)).toEqual({ ok: false, reason: "in_flight" });
    await t.sql("UPDATE webhook_deliveries SET claimed_until = NULL");
    await setEndpointEnabled(t.db, created.id, false);
    expect(await replayDelivery(t.db, row!.id, WORKER)).toEqual({ ok: false, reason: "endpoint_disabled" });
    expect(receiver.messages).toEqual([]);
  });
});

describe("endpoints", () => {
  it("a disabled endpoint gets nothing new and its pending deliveries wait until it is enabled", async () => {
    const created = await endpoint();
    await emitEvent(t.db, low("low:before-disable"));
    await setEndpointEnabled(t.db, created.id, false);
    expect(await emitEvent(t.db, low("low:while-disabled"))).toBeNull();
    expect(await deliverDueWebhooks(t.db, WORKER)).toEqual({ succeeded: 0, retried: 0, failed: 0 });
    await setEndpointEnabled(t.db, created.id, true);
    expect(await deliverDueWebhooks(t.db, WORKER)).toEqual({ succeeded: 1, retried: 0, failed: 0 });
  });

  it("after a rotation both secrets sign for 24 h, so a receiver with either verifies", async () => {
    const created = await endpoint();
    const oldSecret = created.secret;
    const newSecret = (await rotateSecret(t.db, created.id))!;
    expect(newSecret).not.toBe(oldSecret);
    await emitEvent(t.db, low("low:rotated"));
    receiver.secrets = [oldSecret];
    await deliverDueWebhooks(t.db, WORKER);
    const [message] = receiver.delivered();
    expect(message!.signature.split(" ")).toHaveLength(2);
    expect(() =>
      new Webhook(newSecret).verify(message!.body, message!.headers as Record<string, string>),
    ).not.toThrow();
    // A day later only the new secret signs.
    await t.sql("UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second'");
    await emitEvent(t.db, low("low:after-overlap"));
    receiver.secrets = [newSecret];
    await deliverDueWebhooks(t.db, WORKER);
    expect(receiver.messages[1]!.signature.split(" ")).toHaveLength(1);
    expect(receiver.messages[1]!.verified).toBe(true);
  });

  it("a test event goes to its endpoint only, whatever it subscribes to", async () => {
    const a = await endpoint(["period.started"]);
    const msgId = await sendTestEvent(t.db, a.id, "admin-1");
    expect(msgId).toMatch(/^msg_/);
    await deliverDueWebhooks(t.db, WORKER);
    expect(parseWebhookPayload(receiver.delivered()[0]!.body)).toMatchObject({
      type: "webhook.test",
      data: { endpointId: a.id },
    });
  });
});

describe("SSRF", () => {
  it("refuses non-http(s), credentials, loopback and private addresses unless private URLs are allowed", async () => {
    const refuse = (url: string) =>
      createEndpoint(t.db, { url, eventTypes: ["tokens.low"] }, { adminId: "admin-1", allowPrivate: false });
    for (const url of [
      "ftp://example.com/hook",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "https://user:pass@example.com/hook",
      "http://localhost:3000/hook",
      "http://127.0.0.1/hook",
      "http://2130706433/hook", // 127.0.0.1 as a number
      "http://[::1]/hook",
      "http://[::ffff:127.0.0.1]/hook",
      "http://10.0.0.5/hook",
      "http://192.168.1.1/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://0.0.0.0/hook",
      "not a url",
    ]) {
      expect(await refuse(url), url).toMatchObject({ ok: false, field: "url" });
    }
    expect(await refuse("https://hooks.example.com/tollgate")).toMatchObject({ ok: true });
    expect(await t.sql("SELECT url FROM webhook_endpoints")).toEqual([{ url: "https://hooks.example.com/tollgate" }]);
  });

  it("the connection guard refuses a loopback endpoint at delivery time when private URLs are not allowed", async () => {
    await endpoint(); // registered while allowed (as if the flag was on then)
    await emitEvent(t.db, low("low:guard"));
    expect(await deliverDueWebhooks(t.db, { allowPrivate: false })).toEqual({ succeeded: 0, retried: 1, failed: 0 });
    const [row] = await t.sql<{ last_error: string }>("SELECT last_error FROM webhook_deliveries");
    expect(row!.last_error).toMatch(/private network|not allowed/);
    expect(receiver.messages).toEqual([]);
  });
});

describe("several workers at once", () => {
  it("a worker that stalled past its claim sends nothing: the one that took the delivery over sends it", async () => {
    await endpoint();
    await emitEvent(t.db, low("low:stalled"));
    const t0 = new Date();
    const late = new Date(t0.getTime() + 2 * 60_000); // past the stalled worker's claim (CLAIM_MS)
    let takeover: unknown;
    const stalled = await deliverDueWebhooks(t.db, {
      ...WORKER,
      now: t0,
      afterClaim: async () => {
        takeover = await deliverDueWebhooks(t.db, { ...WORKER, now: late });
      },
    });
    expect(takeover).toEqual({ succeeded: 1, retried: 0, failed: 0 });
    expect(stalled).toEqual({ succeeded: 0, retried: 0, failed: 0 });
    expect(receiver.messages).toHaveLength(1);
    expect(await deliveries()).toMatchObject([{ status: "succeeded", attempts: 2 }]);
    const attempts = await t.sql<{ attempt: number }>("SELECT attempt FROM webhook_delivery_attempts");
    expect(attempts).toEqual([{ attempt: 2 }]);
  });

  it("POST each delivery exactly once per attempt", async () => {
    await endpoint();
    const second = await startWebhookReceiver();
    try {
      const other = await createEndpoint(
        t.db,
        { url: second.url, eventTypes: ["tokens.low"] },
        { adminId: "admin-1", allowPrivate: true },
      );
      if (!other.ok) throw new Error(other.message);
      second.secrets = [other.secret];
      const N = 60;
      for (let i = 0; i < N; i++) await emitEvent(t.db, low(`low:concurrent:${i}`, `user-${i}`));
      // Eight workers over their own connections, each claiming small batches, round after round.
      const worker = async () => {
        let total = 0;
        for (;;) {
          const report = await deliverDueWebhooks(t.db, { ...WORKER, limit: 5 });
          const n = report.succeeded + report.retried + report.failed;
          if (n === 0) return total;
          total += n;
        }
      };
      const totals = await Promise.all(Array.from({ length: 8 }, worker));
      expect(totals.reduce((a, b) => a + b, 0)).toBe(2 * N);
      expect(totals.filter((n) => n > 0).length).toBeGreaterThan(1); // the work was shared
      for (const r of [receiver, second]) {
        expect(r.messages).toHaveLength(N);
        expect(new Set(r.messages.map((m) => m.id)).size).toBe(N);
        expect(r.messages.every((m) => m.verified)).toBe(true);
      }
      const rows = await deliveries();
      expect(rows.every((d) => d.status === "succeeded" && d.attempts === 1)).toBe(true);
    } finally {
      await second.close();
    }
  });
});
