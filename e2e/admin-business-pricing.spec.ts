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
  await expect(page.getByRole("region", { name: "Consumption by feature" }).getByRole("cell", { name: "chat", exact: true })).toBeVisible();
  await expect(page.getByText(/^Ledger check/)).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("admin-business.png"), fullPage: true });

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  expect((await download).suggestedFilename()).toMatch(/^tollgate-business-\d{4}-\d{2}\.csv$/);

  await page.goto("/admin?month=2026-13");
  await expect(page.getByRole("alert").filter({ hasText: "month" })).toHaveText("month must be a month as YYYY-MM, e.g. 2026-03");
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
    .fill(`{"${model}": {"kind": "text", "inputMicroUsdPer1M": 2500000, "cachedInputMicroUsdPer1M": 1250000, "outputMicroUsdPer1M": 10000000}}`);
  await editor.getByLabel(/^Note/).fill(`price for ${model}`);
  await editor.getByRole("button", { name: `Save as version ${version + 1}` }).click();
  await expect(editor.getByRole("status")).toContainText(`Saved pricing version ${version + 1}.`);
  await expect(editor.getByRole("status")).toContainText(/Stripe: \d+ products created/);
  const history = page.getByRole("region", { name: "Version history" });
  await expect(history.getByRole("row", { name: new RegExp(`^v${version + 1}\\s*active`) })).toContainText(email);
  await expect(history.getByRole("row", { name: new RegExp(`^v${version + 1}`) })).toContainText(`price for ${model}`);
  await expect(history.getByRole("row", { name: new RegExp(`^v${version + 1}`) })).toContainText("@pydantic/genai-prices@0.1.8");

  // Where each price comes from: the dated catalogue for the default model, the new version's override for the new one.
  await page.reload();
  const prices = page.getByRole("region", { name: "Model prices" });
  const mini = prices.getByTestId("model-price-gpt-5-mini");
  await expect(mini.getByTestId("model-price-source")).toContainText("catalogue @pydantic/genai-prices@0.1.8 of 2026-09-23");
  await expect(mini.getByTestId("model-price-figures")).toContainText("cached input: $0.025");
  const custom = prices.getByTestId(`model-price-${model}`);
  await expect(custom.getByTestId("model-price-source")).toContainText(`override in pricing version ${version + 1}`);
  await expect(custom.getByTestId("model-price-figures")).toHaveText("input: $2.50cached input: $1.25output: $10.00");
  await page.screenshot({ path: test.info().outputPath("admin-pricing.png"), fullPage: true });
});
