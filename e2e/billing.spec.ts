// Billing end to end in Chromium, through the loopback Stripe simulator the e2e server starts: its
// hosted checkout and portal pages, and its signed webhooks to the production build.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { e2eDataDir } from "../test/support/e2e-paths";
import { signUp, uniqueEmail } from "./helpers";

const dataFile = (name: string) => readFileSync(path.join(e2eDataDir(), name), "utf8").trim();

async function query<T extends pg.QueryResultRow>(text: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: dataFile("database-url") });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Calls the Stripe simulator's control API (loopback, e2e only). */
async function simulator(method: "GET" | "POST", route: string) {
  const response = await fetch(`${dataFile("stripe-simulator-url")}/_simulator${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "POST" ? "{}" : undefined,
  });
  expect(response.status, `${method} ${route}`).toBeLessThan(300);
  return response.json() as Promise<unknown>;
}

async function balanceOf(email: string) {
  const [row] = await query<{ allowance: string; purchased: string; period_start: Date }>(
    `SELECT b.allowance::text, b.purchased::text, b.period_start FROM user_token_balance b JOIN users u ON u.id = b.user_id WHERE u.email = $1`,
    [email],
  );
  return row!;
}

async function payOnStripe(page: Page, button: RegExp) {
  await expect(page).toHaveURL(/\/c\/pay\//);
  await page.getByRole("button", { name: button }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?checkout=success&session_id=cs_/);
}

test("subscribe to Pro, buy a Starter pack, renew, switch to Elite, and visit the portal", async ({ page }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("billing");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.goto("/settings/subscription");
  await expect(page.getByTestId("current-plan")).toHaveText("Free tier");
  await expect(page.getByTestId("balance-allowance")).toHaveText("100");

  // Subscribe to Pro on the simulator's hosted checkout page.
  await page.getByRole("button", { name: "Subscribe to Pro" }).click();
  await payOnStripe(page, /^Subscribe \d/);
  await expect(page.getByTestId("checkout-notice")).toHaveText("Thank you! Your subscription is active.");
  await expect(page.getByTestId("current-plan")).toHaveText("Pro");
  await expect(page.getByTestId("subscription-status")).toHaveText("Active");
  await expect(page.getByTestId("balance-allowance")).toHaveText("3,000");
  await expect(page.getByRole("button", { name: "Current plan Pro" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Upgrade to Elite" })).toBeEnabled();

  // Buy a Starter pack: +2,000 purchased tokens.
  await page.getByRole("button", { name: "Buy Starter pack" }).click();
  await payOnStripe(page, /^Pay \d/);
  await expect(page.getByTestId("checkout-notice")).toHaveText("Thank you! Your tokens have been added.");
  await expect(page.getByTestId("balance-purchased")).toHaveText("2,000");
  await expect(page.getByTestId("balance-allowance")).toHaveText("3,000");

  // Spend a little of the allowance, so the renewal visibly resets it.
  const chat = await page.request.post("/api/ai/chat", { data: { message: "Give me one tip for focus." } });
  expect(chat.status()).toBe(200);
  await chat.body();
  const spent = await balanceOf(email);
  expect(BigInt(spent.allowance)).toBeLessThan(3_000_000n);
  expect(spent.purchased).toBe("2000000");

  // Renewal: the allowance is reset to Pro's 3,000; purchased tokens are untouched.
  await simulator("GET", "/settled");
  const [sub] = await query<{ stripe_subscription_id: string }>(
    "SELECT s.stripe_subscription_id FROM user_subscriptions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
    [email],
  );
  await simulator("POST", `/subscriptions/${sub!.stripe_subscription_id}/advance`);
  await simulator("GET", "/settled");
  const renewed = await balanceOf(email);
  expect(renewed).toMatchObject({ allowance: "3000000", purchased: "2000000" });
  expect(renewed.period_start.getTime()).toBeGreaterThan(spent.period_start.getTime());
  await page.goto("/settings/subscription");
  await expect(page.getByTestId("balance-allowance")).toHaveText("3,000");
  await expect(page.getByTestId("balance-purchased")).toHaveText("2,000");

  // Switching plan goes through the portal's confirmation (Tollgate's configuration: invoiced at
  // once); back in the app, the paid proration's share of Elite's extra 2,000 tokens is there —
  // all of it, since the simulated renewal put the period's start ahead of the clock.
  await page.getByRole("button", { name: "Upgrade to Elite" }).click();
  await expect(page).toHaveURL(/\/p\/session\//);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?portal=returned$/);
  await expect(page.getByTestId("current-plan")).toHaveText("Elite");
  await expect(page.getByTestId("balance-allowance")).toHaveText("5,000");
  await expect(page.getByTestId("balance-purchased")).toHaveText("2,000");

  // The portal, and back.
  await page.getByRole("button", { name: "Manage subscription" }).click();
  await expect(page).toHaveURL(/\/p\/session\//);
  await page.getByRole("link", { name: "Return to app" }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?portal=returned$/);
  await expect(page.getByTestId("checkout-notice")).toHaveText("Welcome back from the billing portal.");
  await expect(page.getByTestId("current-plan")).toHaveText("Elite");
});

test("cancelling on the checkout page comes back with nothing charged", async ({ page }) => {
  await signUp(page, uniqueEmail("billing-cancel"));
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/settings/subscription");
  await page.getByRole("button", { name: "Buy Plus pack" }).click();
  await expect(page).toHaveURL(/\/c\/pay\//);
  await page.getByRole("link", { name: "Cancel and return" }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?checkout=cancelled$/);
  await expect(page.getByTestId("checkout-notice")).toHaveText("Checkout cancelled: nothing was charged.");
  await expect(page.getByTestId("balance-purchased")).toHaveText("0");
});

test("the webhook route refuses unsigned and forged events with 400", async ({ request }) => {
  const body = JSON.stringify({ id: "evt_forged", object: "event", type: "invoice.paid", data: { object: {} } });
  const unsigned = await request.post("/api/stripe/webhook", {
    data: body,
    headers: { "content-type": "application/json" },
  });
  expect(unsigned.status()).toBe(400);
  const forged = await request.post("/api/stripe/webhook", {
    data: body,
    headers: {
      "content-type": "application/json",
      "stripe-signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`,
    },
  });
  expect(forged.status()).toBe(400);
  expect(await query("SELECT 1 FROM stripe_webhooks_log WHERE stripe_event_id = $1", ["evt_forged"])).toEqual([]);
});
