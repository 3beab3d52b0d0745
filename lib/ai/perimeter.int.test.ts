// The metered routes' perimeter, with a victim's real session cookie (next-auth's own JWT, read by
// the real `sessionUserId`): cross-site requests are refused before anything is held or charged,
// and the media type is parsed exactly. The routes, the SDK against the simulator, the cost engine
// and Postgres are the real ones.
import { encode, type JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { baseAuthConfig } from "../auth/base-config";
import { sessionVersionHooks } from "../auth/callbacks";
import { knownRevoked, VERSION_CACHE_MS } from "../auth/session-version";
import { grantAdmin } from "../auth/users";
import { renderPng } from "@/dev/openai-simulator/images";
import { startRouteHarness, type RouteHarness } from "@/test/ai/route-harness";

const APP_URL = "http://localhost:3000";
const SECRET = "a-test-secret-that-is-at-least-32-characters";
const COOKIE = "authjs.session-token";
const CROSS_SITE = { origin: "http://evil.example", "sec-fetch-site": "cross-site" };

// next-auth's full configuration (pages' `auth()`) is not used by route handlers; the cookie is read
// by the real `sessionUserId`.
vi.mock("../auth/index", () => ({ auth: async () => null }));

type Route = (request: Request) => Promise<Response>;
let h: RouteHarness;
const session = { userId: null as string | null };
let activity: Route;
let meal: Route;
let attach: Route;
let end: Route;

beforeAll(async () => {
  process.env.APP_URL = APP_URL;
  h = await startRouteHarness(session, "perimeter");
  activity = (await import("@/app/api/ai/activity-analyzer/route")).POST;
  meal = (await import("@/app/api/ai/meal-analyzer/route")).POST;
  attach = (await import("@/app/api/ai/voice-coach-realtime/attach/route")).POST;
  end = (await import("@/app/api/ai/voice-coach-realtime/end/route")).POST;
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** The app's next-auth jwt callback and signOut event (lib/auth/index.ts wires the same). */
const authHooks = () => sessionVersionHooks(() => h.t.db, baseAuthConfig().callbacks!.jwt!);

/** A signed-in victim and their session cookie, as next-auth issues it at sign-in (the jwt callback). */
async function victim(): Promise<{ userId: string; cookie: string; token: JWT }> {
  const userId = await h.signIn();
  const token = (await authHooks().jwt({ token: {}, user: { id: userId, role: "user" } } as never)) as JWT;
  return { userId, token, cookie: `${COOKIE}=${await encode({ token, secret: SECRET, salt: COOKIE })}` };
}

/** The user's balance and ledger, to show that nothing moved. */
async function accountOf(userId: string) {
  const balance = await h.t.db.userTokenBalance.findUniqueOrThrow({ where: { userId } });
  const rows = await h.t.db.tokenTransaction.count({ where: { userId } });
  const holds = await h.t.db.tokenReservation.count({ where: { userId } });
  return { allowance: balance.allowance, purchased: balance.purchased, reserved: balance.reserved, rows, holds };
}

const ACTIVITY = JSON.stringify({ description: "Ran 8 km in 45 minutes.", weightKg: 70 });
const activityRequest = (cookie: string, headers: Record<string, string>, body = ACTIVITY) =>
  new Request(`${APP_URL}/api/ai/activity-analyzer`, { method: "POST", headers: { cookie, ...headers }, body });
const mealRequest = (cookie: string, headers: Record<string, string>) => {
  const data = new FormData();
  data.append("photo", new File([new Uint8Array(renderPng("meal", 64, 48))], "meal.png", { type: "image/png" }));
  return new Request(`${APP_URL}/api/ai/meal-analyzer`, {
    method: "POST",
    headers: { cookie, ...headers },
    body: data,
  });
};

const REFUSED = {
  error: "cross_site_request",
  message: "This request came from another site and was refused. Use the app itself.",
};

describe("CSRF: metered routes refuse cross-site requests carrying the victim's cookie", () => {
  it("a cross-site JSON POST → 403, nothing held or charged, no model call", async () => {
    const { userId, cookie } = await victim();
    const before = await accountOf(userId);
    const calls = h.simulator.requests.length;
    const response = await activity(activityRequest(cookie, { ...CROSS_SITE, "content-type": "application/json" }));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual(REFUSED);
    expect(await accountOf(userId)).toEqual(before);
    expect(h.simulator.requests.length).toBe(calls);
  });

  it("a cross-site text/plain; charset=application/json POST (no preflight) → 403, nothing charged", async () => {
    const { userId, cookie } = await victim();
    const before = await accountOf(userId);
    const response = await activity(
      activityRequest(cookie, { ...CROSS_SITE, "content-type": "text/plain; charset=application/json" }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual(REFUSED);
    expect(await accountOf(userId)).toEqual(before);
  });

  it("a cross-site multipart upload → 403, nothing charged", async () => {
    const { userId, cookie } = await victim();
    const before = await accountOf(userId);
    const response = await meal(mealRequest(cookie, CROSS_SITE));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual(REFUSED);
    expect(await accountOf(userId)).toEqual(before);
  });

  it("an older browser's cross-site POST (Origin only, no Sec-Fetch-Site) → 403, nothing charged", async () => {
    const { userId, cookie } = await victim();
    const before = await accountOf(userId);
    for (const origin of ["http://evil.example", "null", "http://localhost:3001"]) {
      const response = await activity(activityRequest(cookie, { origin, "content-type": "application/json" }));
      expect(response.status, origin).toBe(403);
    }
    expect(await accountOf(userId)).toEqual(before);
  });

  it("the realtime control routes (attach, end) refuse cross-site requests before reading anything", async () => {
    const { cookie } = await victim();
    for (const route of [attach, end]) {
      const response = await route(
        new Request(`${APP_URL}/api/ai/voice-coach-realtime/x`, {
          method: "POST",
          headers: { cookie, ...CROSS_SITE, "content-type": "application/json" },
          body: JSON.stringify({ sessionId: "00000000-0000-0000-0000-000000000000", callId: "rtc_x" }),
        }),
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual(REFUSED);
    }
  });

  it("a same-origin request (Sec-Fetch-Site, or an Origin equal to APP_URL's) is served and charged", async () => {
    const { userId, cookie } = await victim();
    const before = await accountOf(userId);
    const sameOrigin: Record<string, string>[] = [
      { "sec-fetch-site": "same-origin", origin: APP_URL },
      { origin: APP_URL },
      {},
    ];
    for (const headers of sameOrigin) {
      const response = await activity(activityRequest(cookie, { ...headers, "content-type": "application/json" }));
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
    const multipart = await meal(mealRequest(cookie, { "sec-fetch-site": "same-origin" }));
    expect(multipart.status).toBe(200);
    const after = await accountOf(userId);
    expect(after.rows).toBe(before.rows + 4); // four consume rows
    expect(after.allowance).toBeLessThan(before.allowance);
    expect(after.reserved).toBe(0n);
  });
});

describe("the JSON media type is parsed exactly", () => {
  it("text/plain; charset=application/json is a 400 even from a non-browser client; nothing charged", async () => {
    const { userId, cookie } = await victim();
    const before = await accountOf(userId);
    for (const type of ["text/plain; charset=application/json", "application/json-patch+json", "text/plain"]) {
      const response = await activity(activityRequest(cookie, { "content-type": type }));
      expect(response.status, type).toBe(400);
      expect(await response.json()).toEqual({
        error: "invalid_request",
        message: "Send a JSON body with Content-Type: application/json.",
      });
    }
    const upper = await activity(activityRequest(cookie, { "content-type": "Application/JSON; charset=UTF-8" }));
    expect(upper.status).toBe(200);
    expect((await accountOf(userId)).rows).toBe(before.rows + 1);
  });
});

describe("signing out ends the session on the server", () => {
  const UNAUTHORIZED = { error: "unauthorized", message: "Sign in to use this feature." };
  const call = (cookie: string) =>
    activity(activityRequest(cookie, { "sec-fetch-site": "same-origin", "content-type": "application/json" }));

  it("a cookie copied before sign-out gets 401 on a metered route at once, and nothing is charged", async () => {
    const { userId, cookie, token } = await victim();
    expect((await call(cookie)).status).toBe(200); // the token is now cached as decrypted
    const before = await accountOf(userId);
    // "Sign out": next-auth's signOut event with the token of the cookie.
    await authHooks().signOut({ token });
    const response = await call(cookie);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNAUTHORIZED);
    expect(await accountOf(userId)).toEqual(before);
  });

  it("a sign-out on another instance (only the database changes) is refused here at once, holding nothing", async () => {
    const { userId, cookie } = await victim();
    expect((await call(cookie)).status).toBe(200); // this instance has the token and the version cached
    await h.t.sql(`UPDATE users SET session_version = session_version + 1 WHERE id = $1`, [userId]);
    // No wait: the hold checks the token's version in its own statement, not against this
    // instance's cache (which still says "current" for up to VERSION_CACHE_MS).
    const before = await accountOf(userId);
    const response = await call(cookie);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNAUTHORIZED);
    expect(await accountOf(userId)).toEqual(before);
    // This instance now knows: the cookie's next requests stop at admission, before the rate limit.
    expect(knownRevoked(userId, 0)).toBe(true);
  });

  it("a cookie revoked on another instance learns nothing from a refusal: 401, not a 400 with the balance", async () => {
    const { userId, cookie } = await victim();
    expect((await call(cookie)).status).toBe(200);
    await h.t.sql(`UPDATE users SET session_version = session_version + 1 WHERE id = $1`, [userId]);
    const invalid = await activity(
      activityRequest(cookie, { "sec-fetch-site": "same-origin", "content-type": "application/json" }, "{}"),
    );
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get("x-tokens-remaining")).toBeNull();
    expect(await invalid.json()).toEqual(UNAUTHORIZED);
  });

  it("with an Idempotency-Key (a stored answer may be replayed before any hold) the session is checked first", async () => {
    const { userId, cookie } = await victim();
    const keyed = (key: string) =>
      activity(
        activityRequest(cookie, {
          "sec-fetch-site": "same-origin",
          "content-type": "application/json",
          "idempotency-key": key,
        }),
      );
    expect((await keyed("perimeter-key-1")).status).toBe(200);
    await authHooks().signOut({ token: (await victim()).token }); // another user's sign-out changes nothing
    expect((await keyed("perimeter-key-1")).status).toBe(200); // the replay, to the current session
    await h.t.sql(`UPDATE users SET session_version = session_version + 1 WHERE id = $1`, [userId]);
    await new Promise((resolve) => setTimeout(resolve, VERSION_CACHE_MS + 50));
    const before = await accountOf(userId);
    expect((await keyed("perimeter-key-1")).status).toBe(401);
    expect((await keyed("perimeter-key-2")).status).toBe(401);
    expect(await accountOf(userId)).toEqual(before);
  });

  it("after a role change, the old cookie gets 401", async () => {
    const { userId, cookie } = await victim();
    expect((await call(cookie)).status).toBe(200);
    const { email } = await h.t.db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(await grantAdmin(h.t.db, email)).toBe(true);
    // grantAdmin ran on this process: at once here; elsewhere within VERSION_CACHE_MS.
    expect((await call(cookie)).status).toBe(401);
  });
});
