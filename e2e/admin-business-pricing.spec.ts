// The admin console's Overview (business figures) and Pricing pages in a real browser against the
// production build: an admin sees this month's figures including their own AI call, downloads the
// CSV, and saves a pricing edit (a model price override, which no other spec depends on) as a new
// version whose Stripe sync is reported. Screenshots go to test-results/ (not committed).
import { expect, test } from "@playwright/test";
import pg from "pg";
import { e2eServerValue, signUp, uniqueEmail } from "./helpers";

async function makeAdmin(email: string) {
  const sql = new pg.Client({ connectionString: e2eServerValue("database-url") });
  await sql.connect();
  try {
    await sql.query("UPDATE users SET role = 'admin' WHERE email = $1", [email]);
  } finally {
    await sql.end();
  }
}

test("an admin sees the month's business figures and downloads them as CSV", async ({ page }) => {
  test.skip(test.info().project.name !== "desktop", "desktop only");
  const email = uniqueEmail("admin-business");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await makeAdmin(email);
  const chat = await page.request.post("/api/ai/chat", { data: { message: "One tip for focus." } });
  expect(chat.status()).toBe(200);
  await chat.body();

  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Business", level: 1 })).toBeVisible();
  const margin = page.getByRole("region", { name: "Gross margin by plan" });
  await expect(margin.getByRole("row", { name: /^Total/ })).toBeVisible();
  await expect(margin.getByRole("row", { name: /^Free tier/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Top users by cost" }).getByText(email)).toBeVisible();
  await expect(
    page.getByRole("region", { name: "Consumption by feature" }).getByRole("cell", { name: "chat", exact: true }),
  ).toBeVisible();
  await expect(page.getByText(/^Ledger check/)).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("admin-business.png"), fullPage: true });

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  expect((await download).suggestedFilename()).toMatch(/^tollgate-business-\d{4}-\d{2}\.csv$/);

  await page.goto("/admin?month=2026-13");
  await expect(page.getByRole("alert").filter({ hasText: "month" })).toHaveText(
    "month must be a month as YYYY-MM, e.g. 2026-03",
  );
});

test("an admin saves a pricing edit as a new version and sees the Stripe sync", async ({ page }) => {
  test.skip(test.info().project.name !== "desktop", "desktop only: pricing versions are global");
  const email = uniqueEmail("admin-pricing");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await makeAdmin(email);

  await page.goto("/admin/pricing");
  const editor = page.getByRole("form", { name: "Edit pricing" });
  const heading = await editor.getByRole("heading").textContent();
  const version = Number(heading!.match(/version (\d+)/)![1]);
  const model = `e2e-model-${Date.now()}`;

  // A malformed override is refused with the cost engine's message; nothing is saved.
  await editor.getByLabel(/Model price overrides/).fill(`{"${model}": {"kind": "text"}}`);
  await editor.getByLabel(/^Note/).fill("bad override");
  await editor.getByRole("button", { name: `Save as version ${version + 1}` }).click();
  await expect(editor.getByRole("status")).toContainText("modelPriceOverrides");

  await editor
    .getByLabel(/Model price overrides/)
    .fill(
      `{"${model}": {"kind": "text", "inputMicroUsdPer1M": 2500000, "cachedInputMicroUsdPer1M": 1250000, "outputMicroUsdPer1M": 10000000}}`,
    );
  await editor.getByLabel(/^Note/).fill(`price for ${model}`);
  await editor.getByRole("button", { name: `Save as version ${version + 1}` }).click();
  await expect(editor.getByRole("status")).toContainText(`Saved pricing version ${version + 1}.`);
  await expect(editor.getByRole("status")).toContainText(/Stripe: \d+ products created/);
  const history = page.getByRole("region", { name: "Version history" });
  await expect(history.getByRole("row", { name: new RegExp(`^v${version + 1}\\s*active`) })).toContainText(email);
  await expect(history.getByRole("row", { name: new RegExp(`^v${version + 1}`) })).toContainText(`price for ${model}`);
  await expect(history.getByRole("row", { name: new RegExp(`^v${version + 1}`) })).toContainText(
    "@pydantic/genai-prices@0.1.8",
  );

  // Where each price comes from: the dated catalogue for the default model, the new version's override for the new one.
  await page.reload();
  const prices = page.getByRole("region", { name: "Model prices" });
  const mini = prices.getByTestId("model-price-gpt-5-mini");
  await expect(mini.getByTestId("model-price-source")).toContainText(
    "catalogue @pydantic/genai-prices@0.1.8 of 2026-09-23",
  );
  await expect(mini.getByTestId("model-price-figures")).toContainText("cached input: $0.025");
  const custom = prices.getByTestId(`model-price-${model}`);
  await expect(custom.getByTestId("model-price-source")).toContainText(`override in pricing version ${version + 1}`);
  await expect(custom.getByTestId("model-price-figures")).toHaveText("input: $2.50cached input: $1.25output: $10.00");
  await page.screenshot({ path: test.info().outputPath("admin-pricing.png"), fullPage: true });
});

test("the overview highlights a model whose ledger drifts more than 1% from the simulator's bill", async ({ page }) => {
  test.skip(test.info().project.name !== "desktop", "desktop only: the reconciliation is global");
  const email = uniqueEmail("admin-reconcile");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await makeAdmin(email);
  const chat = await page.request.post("/api/ai/chat", { data: { message: "One tip for a steady pace." } });
  expect(chat.status()).toBe(200);
  await chat.body();

  // The deliberate error, a wrong figure: the ledger (append-only, so a new row) records a second
  // charge of $1 for this call that the provider never billed. Its deltas are 0, so every balance
  // still equals its ledger; only the cost the reconciliation sums is wrong.
  const sql = new pg.Client({ connectionString: e2eServerValue("database-url") });
  await sql.connect();
  try {
    const inserted = await sql.query(
      `INSERT INTO token_transactions (user_id, kind, allowance_delta, purchased_delta, allowance_after, purchased_after,
                                       source_type, source_ref, feature, pricing_version, usage, cost_micro_usd, idempotency_key)
       SELECT user_id, kind, 0, 0, allowance_after, purchased_after, source_type, source_ref, feature, pricing_version, usage,
              1000000, idempotency_key || ':e2e-wrong-figure'
       FROM token_transactions WHERE kind = 'consume' AND user_id = (SELECT id FROM users WHERE email = $1)
       RETURNING usage->>'model' AS model`,
      [email],
    );
    expect(inserted.rows).toEqual([{ model: "gpt-5-mini-2025-08-07" }]);
  } finally {
    await sql.end();
  }

  const day = new Date().toISOString().slice(0, 10);
  const cron = await page.request.get(`/api/cron/reconcile-costs?day=${day}`, {
    headers: { authorization: `Bearer ${e2eServerValue("cron-secret")}` },
  });
  expect(cron.status()).toBe(200);
  const report = await cron.json();
  expect(report).toMatchObject({ configured: true, day });
  expect(report.flagged).toContain("gpt-5-mini-2025-08-07");

  await page.goto("/admin");
  const section = page.getByRole("region", { name: "Cost reconciliation (last 30 days)" });
  await expect(section).toBeVisible();
  await expect(section.getByText("Not configured")).toHaveCount(0);
  const flagged = section.locator('tr[data-flagged="true"]', { hasText: "gpt-5-mini-2025-08-07" });
  await expect(flagged).toHaveCount(1);
  await expect(flagged).toContainText(day);
  await expect(flagged).toContainText("above 1%");
  await expect(flagged).toHaveClass(/bg-red-50/);
  await page.screenshot({ path: test.info().outputPath("admin-reconciliation.png"), fullPage: true });

  // The CSV has the same rows.
  const csv = await (await page.request.get(`/api/admin/business/report?month=${day.slice(0, 7)}`)).text();
  expect(csv).toContain(`cost_reconciliation,${day} gpt-5-mini-2025-08-07,flagged_above_1_percent,1\r\n`);
});
