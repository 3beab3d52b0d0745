import { expect, test } from "@playwright/test";
import pg from "pg";
import { e2eServerValue, signUp, uniqueEmail } from "./helpers";

const ROUTE = "/api/cron/reset-monthly-tokens";

test("the cron route refuses requests without the secret, and is never sent to sign-in", async ({ request }) => {
  const attempts: Record<string, string>[] = [
    {},
    { authorization: "Bearer wrong-secret-of-some-length" },
    { authorization: e2eServerValue("cron-secret") }, // the secret without its scheme
  ];
  for (const headers of attempts) {
    const response = await request.get(ROUTE, { headers, maxRedirects: 0 });
    expect(response.status()).toBe(401);
    expect(await response.json()).toMatchObject({ error: "unauthorized" });
  }
});

test("with the secret, the cron route starts a rolled-over period once", async ({ page, request }) => {
  test.skip(test.info().project.name !== "desktop", "one run is enough: the reset is global");
  const email = uniqueEmail("cron");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);

  // Move this account's sign-up a month and a day back: its first free period ended yesterday.
  // (Whole months would put the new period's start on the real sign-up instant, whose key exists.)
  const sql = new pg.Client({ connectionString: e2eServerValue("database-url") });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]);
    const userId = rows[0]!.id;
    await sql.query(
      `UPDATE user_token_balance SET period_start = period_start - interval '1 month 1 day',
         period_anchor = period_anchor - interval '1 month 1 day',
         next_reset_at = period_anchor - interval '1 month 1 day' + interval '1 month'
       WHERE user_id = $1`,
      [userId],
    );

    const authorization = `Bearer ${e2eServerValue("cron-secret")}`;
    const first = await request.get(ROUTE, { headers: { authorization } });
    expect(first.status()).toBe(200);
    const report = await first.json();
    expect(report).toMatchObject({ ran: true, errors: [] });
    expect(report.periodsStarted).toBeGreaterThanOrEqual(1);
    const grants = await sql.query("SELECT 1 FROM token_transactions WHERE user_id = $1 AND kind = 'grant_free'", [
      userId,
    ]);
    expect(grants.rowCount).toBe(2); // sign-up, then the new period

    const again = await request.get(ROUTE, { headers: { authorization } });
    expect(await again.json()).toMatchObject({ ran: true, periodsStarted: 0, tokensGranted: 0 });
  } finally {
    await sql.end();
  }
});
