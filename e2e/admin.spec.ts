// The admin console's access, Users and Webhooks sections in a real browser against the production
// build: a non-admin gets 403; an admin finds a user by the start of their e-mail, grants 10 tokens
// with a reason and sees the ledger row naming them; the webhook log lists a failed event with its
// error and payload. Screenshots go to test-results/ (not committed).
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { e2eServerValue, signUp, uniqueEmail } from "./helpers";

async function sql<T = unknown>(text: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: e2eServerValue("database-url") });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

test.beforeEach(() => {
  test.skip(test.info().project.name !== "desktop", "desktop only");
});

test("a signed-in non-admin gets 403 on the admin console", async ({ page }) => {
  await signUp(page, uniqueEmail("not-admin"));
  await expect(page).toHaveURL(/\/dashboard$/);
  for (const path of ["/admin", "/admin/users", "/admin/webhooks"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  }
});

test("an admin finds a user, grants 10 tokens with a reason and sees the ledger row", async ({ page, browser }) => {
  // The customer signs up in their own browser context.
  const label = `cust${randomBytes(4).toString("hex")}`;
  const customer = `${label}@example.com`;
  const other = await browser.newContext();
  const customerPage = await other.newPage();
  await signUp(customerPage, customer);
  await expect(customerPage).toHaveURL(/\/dashboard$/);
  await other.close();

  const adminEmail = uniqueEmail("admin-users");
  await signUp(page, adminEmail);
  await expect(page).toHaveURL(/\/dashboard$/);
  await sql("UPDATE users SET role = 'admin' WHERE email = $1", [adminEmail]);

  await page.goto("/admin/users");
  await page.getByRole("searchbox", { name: "E-mail starts with" }).fill(label.toUpperCase());
  await page.getByRole("button", { name: "Search" }).click();
  const found = page.getByRole("list", { name: "Users found" });
  await expect(found.getByRole("link")).toHaveCount(1);
  await found.getByRole("link", { name: new RegExp(customer) }).click();
  await expect(page.getByRole("heading", { name: customer, level: 1 })).toBeVisible();
  await expect(page.getByText("100 tokens", { exact: true })).toBeVisible(); // the free tier's allowance

  const form = page.getByRole("form", { name: "Grant or deduct tokens" });
  await form.getByLabel("Tokens").fill("10");
  await form.getByLabel("Reason (kept on the ledger row)").fill("Support goodwill for ticket 4711");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(form.getByRole("status")).toHaveText("Granted 10 tokens.");

  const row = page.getByRole("row").filter({ hasText: "Adjustment by admin: Support goodwill for ticket 4711" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`by ${adminEmail}`);
  await expect(row).toContainText("+10 tokens");
  await expect(page.getByText("110 tokens", { exact: true })).toBeVisible();
  const [ledger] = await sql<{ count: string }>(
    "SELECT count(*)::text AS count FROM token_transactions t JOIN users u ON u.id = t.user_id WHERE u.email = $1 AND t.kind = 'adjustment' AND t.purchased_delta = 10000",
    [customer],
  );
  expect(ledger!.count).toBe("1");
  await page.screenshot({ path: test.info().outputPath("admin-user.png"), fullPage: true });
});

test("an admin sees a failed webhook event in the log, with its error and payload", async ({ page }) => {
  const eventId = `evt_e2e_${randomBytes(6).toString("hex")}`;
  const payload = {
    id: eventId,
    object: "event",
    type: "invoice.paid",
    data: { object: { id: "in_e2e_missing", object: "invoice" } },
  };
  await sql(
    `INSERT INTO stripe_webhooks_log (stripe_event_id, type, status, attempts, payload, error, received_at, claimed_at)
     VALUES ($1, 'invoice.paid', 'failed', 2, $2::jsonb, 'StripeInvalidRequestError: No such invoice: in_e2e_missing', now(), now())`,
    [eventId, JSON.stringify(payload)],
  );
  const adminEmail = uniqueEmail("admin-webhooks");
  await signUp(page, adminEmail);
  await expect(page).toHaveURL(/\/dashboard$/);
  await sql("UPDATE users SET role = 'admin' WHERE email = $1", [adminEmail]);

  await page.goto("/admin/webhooks");
  await expect(page.getByRole("navigation", { name: "Admin" }).getByTestId("failed-webhooks")).toBeVisible();
  await page.getByLabel("Status").selectOption("failed");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=failed/);
  await page.screenshot({ path: test.info().outputPath("admin-webhooks.png"), fullPage: true });
  await page.getByRole("link", { name: eventId }).click();

  await expect(page.getByRole("heading", { name: eventId })).toBeVisible();
  await expect(page.getByText("No such invoice: in_e2e_missing")).toBeVisible();
  await expect(page.getByText(`"id": "in_e2e_missing"`)).toBeVisible();
  await page.getByRole("button", { name: "Replay" }).click();
  // The handler runs on the stored payload: an invoice without a customer is none of Tollgate's, so
  // this third attempt ends as ignored, with the handler's reason.
  await expect(page.getByRole("status")).toContainText("ignored the event");
  await expect(page.getByRole("definition").filter({ hasText: /^3$/ })).toBeVisible();
  await expect(page.getByText("invoice without a customer")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("admin-webhook-event.png"), fullPage: true });
});
