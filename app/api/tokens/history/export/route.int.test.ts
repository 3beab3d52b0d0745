// GET /api/tokens/history/export over real Postgres: the real route module and ledger; only the
// session lookup is replaced. Ownership (another user's rows never appear), filters, 400s, and
// completeness across several export pages (> 200 rows, ties on created_at included).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { EXPORT_PAGE_SIZE } from "@/lib/history/export";
import { CSV_BOM, CSV_COLUMNS } from "@/lib/history/csv";
import { parseCsv } from "@/test/history/fixtures";
import { adjust, grant, openAccount, reserve, settle } from "@/lib/tokens/ledger";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("@/lib/auth/session", () => ({ sessionUserId: async () => session.userId }));

let t: TestDatabase;
let GET: (request: Request) => Promise<Response>;
let alice: string;
let bob: string;

async function newUser(email: string): Promise<string> {
  return t.db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email } });
    await openAccount(tx, { userId: user.id, now: new Date(), freeTierMillitokens: 100_000n, pricingVersion: 1 });
    return user.id;
  });
}

async function call(userId: string, n: number, feature: string, cost: bigint) {
  const held = await reserve(t.db, {
    userId,
    amount: 10_000n,
    feature,
    requestId: `${userId}-${feature}-${n}`,
    ttlMs: 60_000,
  });
  if (!held.ok) throw new Error(held.error.type);
  const settled = await settle(t.db, {
    reservationId: held.reservation.id,
    cost,
    usage: { model: "gpt-5-mini", inputTokens: 1000 + n, outputTokens: 200 + n },
  });
  if (!settled.ok) throw new Error(settled.error.type);
}

async function pack(userId: string, n: number) {
  const result = await grant(t.db, {
    userId,
    bucket: "purchased",
    kind: "grant_pack",
    amount: 2_000_000n,
    idempotencyKey: `pack:${userId}:${n}`,
    reason: "Starter pack",
  });
  if (!result.ok) throw new Error(result.error.type);
}

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: t.url, AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters" });
  ({ GET } = await import("./route"));
  alice = await newUser("alice@example.com");
  bob = await newUser("bob@example.com");
  // Alice: enough rows for several export pages; packs written concurrently so created_at ties occur.
  for (let i = 0; i < 300; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => pack(alice, i + j)));
  for (let i = 0; i < 130; i++) await call(alice, i, i % 2 ? "meal-analyzer" : "chat", 4_600n + BigInt(i));
  const adjusted = await adjust(t.db, {
    userId: alice,
    amount: 1_500n,
    reason: 'goodwill, "sorry"\nsecond line',
    actorId: alice,
    idempotencyKey: "adj:1",
  });
  if (!adjusted.ok) throw new Error(adjusted.error.type);
  // Bob: rows of every filtered kind and feature, which must never appear in Alice's export.
  await pack(bob, 0);
  for (let i = 0; i < 3; i++) await call(bob, i, "meal-analyzer", 7_777n);
}, 120_000);

afterAll(async () => {
  await t?.drop();
});

function get(query = "", userId: string | null = alice) {
  session.userId = userId;
  return GET(new Request(`http://localhost/api/tokens/history/export${query}`));
}

/** The body as bytes → text, keeping the BOM (Response.text() strips it; a saved download keeps it). */
async function csvText(response: Response): Promise<string> {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
}

/** Parses our CSV (RFC 4180, CRLF) into records keyed by column name. */
function parse(body: string): Record<(typeof CSV_COLUMNS)[number], string>[] {
  expect(body.startsWith(CSV_BOM)).toBe(true);
  const text = body.slice(CSV_BOM.length);
  expect(text.endsWith("\r\n")).toBe(true);
  const records = parseCsv(text);
  const [header, ...rows] = records;
  expect(header).toEqual([...CSV_COLUMNS]);
  return rows.map(
    (r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]!])) as Record<(typeof CSV_COLUMNS)[number], string>,
  );
}

/** The user's visible ledger rows straight from the database, newest first (as the export orders them). */
async function expectedIds(userId: string, where = "TRUE", params: unknown[] = []): Promise<string[]> {
  const rows = await t.sql<{ id: string }>(
    `SELECT id::text AS id FROM token_transactions t
     WHERE user_id = $1 AND ${where}
       AND NOT (kind = 'expire_allowance' AND allowance_delta = 0 AND purchased_delta = 0 AND shortfall = 0)
     ORDER BY t.created_at DESC, t.id DESC`, // t.id: the bigint, not the text alias "id"
    [userId, ...params],
  );
  return rows.map((r) => r.id);
}

describe("GET /api/tokens/history/export", () => {
  it("answers 401 without a session", async () => {
    const response = await get("", null);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "unauthorized" });
  });

  it.each([
    ["?kind=spend", "kind"],
    ["?feature=nope", "feature"],
    ["?kind=consume&kind=grant_pack", "kind"],
    ["?cursor=bogus", "cursor"],
  ])("answers 400 to %s, naming the %s parameter", async (query, field) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_filter", field, message: expect.any(String) });
  });

  it("streams every row of the user across several pages, once each, newest first, as an attachment", async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="tollgate-token-history-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const rows = parse(await csvText(response));
    const expected = await expectedIds(alice);
    expect(expected.length).toBeGreaterThan(2 * EXPORT_PAGE_SIZE); // more than two pages
    expect(rows.map((r) => r.id)).toEqual(expected);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it("never contains another user's rows", async () => {
    const bobIds = new Set(await expectedIds(bob));
    const rows = parse(await csvText(await get()));
    expect(rows.some((r) => bobIds.has(r.id))).toBe(false);
    // And Bob sees exactly his own.
    const bobs = parse(await csvText(await get("", bob)));
    expect(bobs.map((r) => r.id)).toEqual([...bobIds]);
    expect(bobs.filter((r) => r.kind === "consume").map((r) => r.change_tokens)).toEqual([
      "-7.777",
      "-7.777",
      "-7.777",
    ]);
  });

  it("filters by kind and by feature, with the filter in the file name", async () => {
    const response = await get("?kind=consume&feature=meal-analyzer");
    expect(response.headers.get("content-disposition")).toMatch(/-consume-meal-analyzer\.csv"$/);
    const rows = parse(await csvText(response));
    expect(rows.map((r) => r.id)).toEqual(
      await expectedIds(alice, "kind = 'consume' AND feature = $2", ["meal-analyzer"]),
    );
    expect(rows).toHaveLength(65);
    expect(new Set(rows.map((r) => r.feature))).toEqual(new Set(["Meal analyzer"]));

    const packs = parse(await csvText(await get("?kind=grant_pack&feature=")));
    expect(packs).toHaveLength(300);
    expect(packs.every((r) => r.description === "Starter pack" && r.change_tokens === "2000.000")).toBe(true);
  });

  it("writes exact amounts that sum to the balance, and quotes free text", async () => {
    const rows = parse(await csvText(await get()));
    const toMillitokens = (value: string) => BigInt(value.replace(".", ""));
    const sum = rows.reduce((total, r) => total + toMillitokens(r.change_tokens), 0n);
    const [balance] = await t.sql<{ total: string }>(
      "SELECT (allowance + purchased)::text AS total FROM user_token_balance WHERE user_id = $1",
      [alice],
    );
    expect(sum).toBe(BigInt(balance!.total));
    expect(rows[0]).toMatchObject({
      kind: "adjustment",
      description: 'Adjustment by admin: goodwill, "sorry"\nsecond line',
      change_tokens: "1.500",
    });
    const firstCall = rows.find((r) => r.kind === "consume" && r.input_tokens === "1000")!;
    expect(firstCall).toMatchObject({
      feature: "Coach chat",
      model: "gpt-5-mini",
      output_tokens: "200",
      change_tokens: "-4.600",
      provider_cost_usd: "0.004600",
    });
    expect(firstCall.description).toBe("Coach chat · gpt-5-mini · 1,000 in / 200 out");
  });
});
