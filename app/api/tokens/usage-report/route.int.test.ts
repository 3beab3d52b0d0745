// The usage report route over real Postgres with real session cookies (next-auth's own JWT
// encoding, read back by sessionUserId): 401 without a session, 400 for a bad month, 200 with the
// signed-in user's CSV — and never another user's rows.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { grant, openAccount } from "@/lib/tokens/ledger";
import { charge, text } from "@/test/usage/seed";

// The real sessionUserId decodes the cookie; only next-auth's full configuration (which this route
// never calls) is left out, as in lib/auth/session.test.ts.
vi.mock("@/lib/auth/index", () => ({ auth: async () => null }));

const SECRET = "a-test-secret-that-is-at-least-32-characters";
const COOKIE = "authjs.session-token";
let t: TestDatabase;
let GET: (request: Request) => Promise<Response>;
let ada: string;
let bea: string;

async function account(email: string): Promise<string> {
  return t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email } });
    await openAccount(tx, {
      userId: user.id,
      now: new Date("2026-10-01T00:00:00.000Z"),
      freeTierMillitokens: 100_000n,
      pricingVersion: 1,
    });
    return user.id;
  });
}

const cookieOf = async (userId: string) =>
  `${COOKIE}=${await encode({ token: { sub: userId }, secret: SECRET, salt: COOKIE })}`;
const get = (query: string, cookie?: string) =>
  GET(new Request(`http://localhost/api/tokens/usage-report${query}`, { headers: cookie ? { cookie } : {} }));

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: t.url, AUTH_SECRET: SECRET });
  vi.resetModules();
  ({ GET } = await import("./route"));
  ada = await account(`report-ada-${process.pid}@example.com`);
  bea = await account(`report-bea-${process.pid}@example.com`);
  await grant(t.db, {
    userId: ada,
    bucket: "purchased",
    kind: "grant_pack",
    amount: 1_000_000n,
    idempotencyKey: `checkout:report-${ada}`,
  });
  await charge(t.db, ada, {
    at: "2026-10-05T10:00:00.000Z",
    feature: "recipe-generator",
    cost: 1_140n,
    usage: text("gpt-4o-mini", 1_140n, 2_000, 1_400),
  });
  await charge(t.db, ada, {
    at: "2026-10-05T11:00:00.000Z",
    feature: "activity-analyzer",
    cost: 655n,
    usage: text("gpt-4o-mini", 655n, 1_300, 770, 128),
  });
  await charge(t.db, ada, {
    at: "2026-10-06T11:00:00.000Z",
    feature: "activity-analyzer",
    cost: 345n,
    usage: text("gpt-4o-mini", 345n, 700, 400),
  });
  await charge(t.db, bea, {
    at: "2026-10-05T12:00:00.000Z",
    feature: "chat",
    cost: 9_999n,
    usage: text("gpt-4o", 9_999n, 3_000, 300),
  });
});
afterAll(async () => {
  await t?.drop();
});

describe("GET /api/tokens/usage-report", () => {
  it("answers 401 without a session, or with a cookie that is not a valid session", async () => {
    for (const cookie of [
      undefined,
      `${COOKIE}=not-a-jwt`,
      `${COOKIE}=${await encode({ token: { sub: ada }, secret: "another-secret-of-at-least-32-characters!", salt: COOKIE })}`,
    ]) {
      const response = await get("?month=2026-10", cookie);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: "unauthorized",
        message: "Sign in to download your usage report.",
      });
    }
  });

  it.each([
    ["", "month is required: month must be a calendar month as YYYY-MM, e.g. 2026-11"],
    ["?month=october", "month must be a calendar month as YYYY-MM, e.g. 2026-11"],
    ["?month=2026-00", "month must be a calendar month as YYYY-MM, e.g. 2026-11"],
    ["?month=2099-01", expect.stringMatching(/^month must not be after the current month \(\d{4}-\d{2}\)$/)],
  ])("answers 400 to %j with what to send", async (query, message) => {
    const response = await get(query, await cookieOf(ada));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_month", message });
  });

  it("sends the signed-in user's month as a CSV attachment, with the totals", async () => {
    const response = await get("?month=2026-10", await cookieOf(ada));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="tollgate-usage-2026-10.csv"');
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    // 2026-10-05: activity 655 + recipe 1,140; 2026-10-06: activity 345 → 2,140 µ$ in all
    expect((await response.text()).split("\r\n")).toEqual([
      "date,feature,model,calls,input_tokens,cached_input_tokens,output_tokens,audio_input_tokens,audio_output_tokens,images,seconds,cost_usd,tokens_charged",
      "2026-10-05,activity-analyzer,gpt-4o-mini,1,1300,128,770,0,0,0,0,0.000655,0.655",
      "2026-10-05,recipe-generator,gpt-4o-mini,1,2000,0,1400,0,0,0,0,0.001140,1.140",
      "2026-10-06,activity-analyzer,gpt-4o-mini,1,700,0,400,0,0,0,0,0.000345,0.345",
      "total 2026-10,,,3,4000,128,2570,0,0,0,0,0.002140,2.140",
      "",
    ]);
  });

  it("gives each user only their own rows", async () => {
    const lines = (await (await get("?month=2026-10", await cookieOf(bea))).text()).split("\r\n");
    expect(lines.slice(1, -1)).toEqual([
      "2026-10-05,chat,gpt-4o,1,3000,0,300,0,0,0,0,0.009999,9.999",
      "total 2026-10,,,1,3000,0,300,0,0,0,0,0.009999,9.999",
    ]);
  });

  it("sends a month without usage as its header and a zero total", async () => {
    const response = await get("?month=2026-09", await cookieOf(ada));
    expect(response.status).toBe(200);
    expect((await response.text()).split("\r\n").slice(1)).toEqual([
      "total 2026-09,,,0,0,0,0,0,0,0,0,0.000000,0.000",
      "",
    ]);
  });
});
