// Sessions end on the server, over Postgres: the session version that sign-out and role changes bump,
// the ≤ 1 s cache every instance keeps of it, and the next-auth jwt callback that `auth()` runs.
import type { JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { sessionVersionHooks } from "./callbacks";
import {
  isSessionCurrent,
  isSessionCurrentNow,
  knownRevoked,
  revokeSessions,
  VERSION_CACHE_MS,
} from "./session-version";
import { grantAdmin } from "./users";

let t: TestDatabase;
let n = 0;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const newUser = () => t.db.user.create({ data: { email: `sv-${++n}-${Date.now()}@example.com` } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The database-free base callback of lib/auth/base-config.ts, in effect.
const base = ({ token, user }: { token: JWT; user?: { id?: string; role?: "user" | "admin" } }) =>
  user?.id ? { ...token, sub: user.id, role: user.role ?? "user" } : token;
const hooks = sessionVersionHooks(
  () => t.db,
  base as never,
  () => {},
);
const jwt = (params: { token: JWT; user?: { id: string; role?: "user" | "admin" } }) =>
  hooks.jwt(params as never) as Promise<JWT | null>;

/** What next-auth does at sign-in: the jwt callback with the user, giving the token the cookie holds. */
async function signIn(userId: string): Promise<JWT> {
  const token = await jwt({ token: {}, user: { id: userId, role: "user" } });
  expect(token).not.toBeNull();
  return token!;
}

describe("auth(): the jwt callback checks the session version", () => {
  it("stamps the token with the user's version at sign-in, and keeps a current token", async () => {
    const user = await newUser();
    const token = await signIn(user.id);
    expect(token).toMatchObject({ sub: user.id, role: "user", sv: 0 });
    expect(await jwt({ token })).toEqual(token);
  });

  it("after sign-out, the copied token is no session (null), at once on this instance; a new sign-in works", async () => {
    const user = await newUser();
    const copied = await signIn(user.id);
    await hooks.signOut({ token: copied } as never);
    expect(await jwt({ token: copied })).toBeNull();
    const again = await signIn(user.id);
    expect(again.sv).toBe(1);
    expect(await jwt({ token: again })).toEqual(again);
  });

  it("after a role change (grantAdmin), the old token is no session", async () => {
    const user = await newUser();
    const before = await signIn(user.id);
    expect(await grantAdmin(t.db, user.email)).toBe(true);
    expect(await jwt({ token: before })).toBeNull();
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("admin");
  });

  it("a token issued before versions existed (no sv) counts as version 0: valid until the first revocation", async () => {
    const user = await newUser();
    const legacy: JWT = { sub: user.id, role: "user" };
    expect(await jwt({ token: legacy })).toEqual(legacy);
    await revokeSessions(t.db, user.id);
    expect(await jwt({ token: legacy })).toBeNull();
  });

  it("a token of a deleted user, or without a subject, is no session", async () => {
    const user = await newUser();
    const token = await signIn(user.id);
    await t.db.user.delete({ where: { id: user.id } });
    await sleep(VERSION_CACHE_MS + 50);
    expect(await jwt({ token })).toBeNull();
    expect(await jwt({ token: { role: "user" } })).toBeNull();
  });
});

describe("the metered routes' check (the version in the hold's statement, then a fresh read)", () => {
  it("a fresh read sees another instance's revocation at once, and this instance then knows it", async () => {
    const user = await newUser();
    expect(await isSessionCurrent(t.db, user.id, 0)).toBe(true); // version 0 cached here
    await t.sql(`UPDATE users SET session_version = session_version + 1 WHERE id = $1`, [user.id]);
    expect(knownRevoked(user.id, 0)).toBe(false); // the cache still says 0
    expect(await isSessionCurrentNow(t.db, user.id, 0)).toBe(false);
    expect(knownRevoked(user.id, 0)).toBe(true); // refused from now on without a read
    expect(knownRevoked(user.id, 1)).toBe(false); // the new token is not
    expect(await isSessionCurrentNow(t.db, user.id, 1)).toBe(true);
  });

  it("a deleted user's token is known revoked after the fresh read", async () => {
    const user = await newUser();
    await t.db.user.delete({ where: { id: user.id } });
    expect(await isSessionCurrentNow(t.db, user.id, 0)).toBe(false);
    expect(knownRevoked(user.id, 0)).toBe(true);
  });
});

describe("another instance's revocation reaches this one within a second", () => {
  it("a version bumped elsewhere (not through this process's cache) is refused within VERSION_CACHE_MS", async () => {
    const user = await newUser();
    expect(await isSessionCurrent(t.db, user.id, 0)).toBe(true); // cached here now
    // Another instance signs the user out: only the database changes.
    await t.sql(`UPDATE users SET session_version = session_version + 1 WHERE id = $1`, [user.id]);
    const bumpedAt = Date.now();
    let refusedAfter: number | null = null;
    while (Date.now() - bumpedAt < 2 * VERSION_CACHE_MS) {
      if (!(await isSessionCurrent(t.db, user.id, 0))) {
        refusedAfter = Date.now() - bumpedAt;
        break;
      }
      await sleep(20);
    }
    expect(refusedAfter).not.toBeNull();
    // The cache's 1 s, plus one poll and one query on a busy machine (1,070 ms was seen under load).
    expect(refusedAfter!).toBeLessThanOrEqual(VERSION_CACHE_MS + 250);
    expect(await isSessionCurrent(t.db, user.id, 1)).toBe(true);
  });

  it("a token issued after a revocation elsewhere (sign-out there, sign-in again) is current here at once", async () => {
    const user = await newUser();
    expect(await isSessionCurrent(t.db, user.id, 0)).toBe(true); // version 0 cached here now
    // Another instance signs the user out and back in: the new token carries version 1.
    await t.sql(`UPDATE users SET session_version = session_version + 1 WHERE id = $1`, [user.id]);
    expect(await isSessionCurrent(t.db, user.id, 1)).toBe(true); // not refused by this instance's stale cache
    // A token newer than the database is still refused, and the old one is refused now too.
    expect(await isSessionCurrent(t.db, user.id, 2)).toBe(false);
    expect(await isSessionCurrent(t.db, user.id, 0)).toBe(false);
  });

  it("concurrent checks of one user share one read per second (the hot path stays cheap)", async () => {
    const user = await newUser();
    let queries = 0;
    const counting = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop === "user") {
          return new Proxy(target.user, {
            get(u, p, r) {
              if (p === "findUnique") queries++;
              return Reflect.get(u, p, r);
            },
          });
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const results = await Promise.all(Array.from({ length: 50 }, () => isSessionCurrent(counting, user.id, 0)));
    expect(results.every(Boolean)).toBe(true);
    for (let i = 0; i < 20; i++) await isSessionCurrent(counting, user.id, 0);
    expect(queries).toBe(1);
  });
});

describe("revokeSessions", () => {
  it("returns the new version, and null for an unknown user", async () => {
    const user = await newUser();
    expect(await revokeSessions(t.db, user.id)).toBe(1);
    expect(await revokeSessions(t.db, user.id)).toBe(2);
    expect(await revokeSessions(t.db, "no-such-user")).toBeNull();
  });
});
