import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it, vi } from "vitest";

// The real decode, counted: a token this process has read is answered from memory until it expires.
const decodeCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock("next-auth/jwt", async (importOriginal) => {
  const real = await importOriginal<typeof import("next-auth/jwt")>();
  return {
    ...real,
    decode: (...args: Parameters<typeof real.decode>) => {
      decodeCalls.count++;
      return real.decode(...args);
    },
  };
});

const SECRET = "a-test-secret-that-is-at-least-32-characters";
vi.mock("./index", () => ({ auth: async () => null })); // next-auth's full config is not needed here
// The session version check is tested over Postgres (lib/auth/session-version.int.test.ts); here every version is current.
vi.mock("../db/client", () => ({ db: () => ({}) }));
vi.mock("./session-version", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./session-version")>()),
  isSessionCurrent: async () => true,
}));

let sessionUserId: (request: Request) => Promise<string | null>;

beforeAll(async () => {
  Object.assign(process.env, { DATABASE_URL: "postgresql://localhost/unused", AUTH_SECRET: SECRET });
  ({ sessionUserId } = await import("./session"));
});

const requestWith = (cookie?: string) =>
  new Request("http://localhost/api/ai/x", { headers: cookie ? { cookie } : {} });
const token = (name: string, payload: Record<string, unknown>, { secret = SECRET, maxAge = 3600 } = {}) =>
  encode({ token: payload, secret, salt: name, maxAge });

describe("sessionUserId", () => {
  it("reads the user id from a valid session cookie (http and __Secure- names)", async () => {
    const http = await token("authjs.session-token", { sub: "user-1", role: "user" });
    expect(await sessionUserId(requestWith(`theme=dark; authjs.session-token=${http}`))).toBe("user-1");
    const secure = await token("__Secure-authjs.session-token", { sub: "user-2" });
    expect(await sessionUserId(requestWith(`__Secure-authjs.session-token=${secure}`))).toBe("user-2");
  });

  it("joins a cookie that next-auth split into chunks", async () => {
    const value = await token("authjs.session-token", { sub: "user-3" });
    const half = Math.floor(value.length / 2);
    const cookie = `authjs.session-token.0=${value.slice(0, half)}; authjs.session-token.1=${value.slice(half)}`;
    expect(await sessionUserId(requestWith(cookie))).toBe("user-3");
  });

  it("refuses no cookie, a tampered one, one made with another secret, one under another name, and an expired one", async () => {
    const valid = await token("authjs.session-token", { sub: "user-4" });
    const tampered = `${valid.slice(0, -4)}${valid.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    const otherSecret = await token(
      "authjs.session-token",
      { sub: "user-4" },
      { secret: "another-secret-that-is-also-32-characters!" },
    );
    const wrongSalt = await token("some-other-cookie", { sub: "user-4" });
    const expired = await token("authjs.session-token", { sub: "user-4" }, { maxAge: -60 });
    expect(await sessionUserId(requestWith())).toBeNull();
    for (const value of [tampered, otherSecret, wrongSalt, expired, "garbage"]) {
      expect(await sessionUserId(requestWith(`authjs.session-token=${value}`))).toBeNull();
    }
  });

  it("refuses a token without a subject", async () => {
    const value = await token("authjs.session-token", { role: "admin" });
    expect(await sessionUserId(requestWith(`authjs.session-token=${value}`))).toBeNull();
  });

  it("decrypts a token once and answers it from memory until its expiry, then decrypts it again", async () => {
    const value = await token("authjs.session-token", { sub: "user-5" }, { maxAge: 2 });
    const before = decodeCalls.count;
    for (let i = 0; i < 5; i++)
      expect(await sessionUserId(requestWith(`authjs.session-token=${value}`))).toBe("user-5");
    expect(decodeCalls.count - before).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // past the token's expiry (whole seconds)
    await sessionUserId(requestWith(`authjs.session-token=${value}`));
    expect(decodeCalls.count - before).toBe(2);
    // A refused token is never remembered: each request decrypts (and refuses) it again.
    const expired = await token("authjs.session-token", { sub: "user-6" }, { maxAge: -60 });
    const n = decodeCalls.count;
    expect(await sessionUserId(requestWith(`authjs.session-token=${expired}`))).toBeNull();
    expect(await sessionUserId(requestWith(`authjs.session-token=${expired}`))).toBeNull();
    expect(decodeCalls.count - n).toBe(2);
  });
});
