// The business CSV route over real Postgres with real session cookies (next-auth's own JWT
// encoding, read back by adminFromRequest): 401 signed out, 403 for a non-admin, 400 naming a bad
// month or rate, 200 with the month's figures for an admin.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { grant, openAccount } from "@/lib/tokens/ledger";
import { stamp } from "@/test/usage/seed";

vi.mock("@/lib/auth/index", () => ({ auth: async () => null }));

const SECRET = "a-test-secret-that-is-at-least-32-characters";
const COOKIE = "authjs.session-token";
let t: TestDatabase;
let GET: (request: Request) => Promise<Response>;
let adminId: string;
let userId: string;

const cookieOf = async (id: string) =>
  `${COOKIE}=${await encode({ token: { sub: id }, secret: SECRET, salt: COOKIE })}`;
const get = (query: string, cookie?: string) =>
  GET(new Request(`http://localhost/api/admin/business/report${query}`, { headers: cookie ? { cookie } : {} }));

beforeAll(async () => {
  t = await createTestDatabase({ poolMax: 4 });
  Object.assign(process.env, { DATABASE_URL: t.url, AUTH_SECRET: SECRET, ADMIN_USD_TO_EUR: "0.9" });
  vi.resetModules();
  ({ GET } = await import("./route"));
  adminId = (await t.db.user.create({ data: { email: "csv-admin@example.com", role: "admin" } })).id;
  const user = await t.db.user.create({ data: { email: "csv-user@example.com" } });
  userId = user.id;
  await openAccount(t.db, {
    userId,
    now: new Date("2026-01-01T00:00:00Z"),
    freeTierMillitokens: 100_000n,
    pricingVersion: 1,
  });
  await grant(t.db, {
    userId,
    bucket: "purchased",
    kind: "grant_pack",
    amount: 3_200_000n,
    idempotencyKey: "checkout:csv",
    pricingVersion: 1,
    reason: "Basic pack",
  });
  await stamp(t.db, "checkout:csv", new Date("2026-05-20T10:00:00Z"));
});

afterAll(async () => {
  await t?.drop();
});

describe("GET /api/admin/business/report", () => {
  it("answers 401 without a session", async () => {
    const response = await get("?month=2026-05");
    expect(response.status).toBe(401);
  });

  it("answers 403 to a signed-in user who is not an admin", async () => {
    const response = await get("?month=2026-05", await cookieOf(userId));
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).not.toContain("text/csv");
  });

  it.each([
    ["?month=2026-13", "month"],
    ["?month=may", "month"],
    ["?month=2026-05&rate=-1", "rate"],
    ["?month=2026-05&rate=0", "rate"],
    ["?month=2026-05&rate=1e3", "rate"],
  ])("answers 400 to %j naming the field", async (query, field) => {
    const response = await get(query, await cookieOf(adminId));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: "invalid_query",
      field,
      message: expect.stringMatching(new RegExp(`^${field} must`)),
    });
  });

  it("sends the month's figures as a CSV attachment to an admin, at ADMIN_USD_TO_EUR unless a rate is given", async () => {
    const response = await get("?month=2026-05", await cookieOf(adminId));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="tollgate-business-2026-05.csv"');
    const lines = (await response.text()).split("\r\n");
    expect(lines[0]).toBe("section,item,metric,value");
    expect(lines).toContain("report,2026-05,eur_per_usd,0.9");
    expect(lines).toContain("packs,basic,revenue_cents,2900");
    expect(lines).toContain("ledger,all,mismatches,0");

    const other = await (await get("?month=2026-04&rate=1.05", await cookieOf(adminId))).text();
    expect(other).toContain("report,2026-04,eur_per_usd,1.05");
    expect(other).toContain("packs,all,revenue_cents,0");
  });
});
