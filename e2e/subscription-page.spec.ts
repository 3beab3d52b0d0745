// The subscription page end to end in Chromium: subscribe (the Stripe simulator's checkout), buy a
// pack, run an AI feature, hold tokens as a call in flight would; then the page shows the plan, each
// bucket and the history in words; the history filters by kind without JavaScript's help; the CSV
// downloads with the same rows. Screenshots at desktop and phone width are saved as test artifacts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { createDb } from "../lib/db/connect";
import { formatSignedTokens, formatTokensDetailed, formatTokensExact, DEFAULT_LOCALE } from "../lib/format";
import { release, reserve } from "../lib/tokens/ledger";
import { e2eDataDir } from "../test/support/e2e-paths";
import { e2eServerValue, signUp, uniqueEmail } from "./helpers";

async function payOnStripe(page: Page, button: RegExp) {
  await expect(page).toHaveURL(/\/c\/pay\//);
  await page.getByRole("button", { name: button }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?checkout=success&session_id=cs_/);
}

/** Calls the Stripe simulator's control API (loopback, e2e only). */
async function simulator<T = unknown>(method: "GET" | "POST", route: string): Promise<T> {
  const response = await fetch(
    `${readFileSync(path.join(e2eDataDir(), "stripe-simulator-url"), "utf8").trim()}/_simulator${route}`,
    {
      method,
      headers: { "content-type": "application/json" },
      body: method === "POST" ? "{}" : undefined,
    },
  );
  expect(response.status, `${method} ${route}`).toBeLessThan(300);
  return response.json() as Promise<T>;
}

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "the page scrolls sideways").toBeLessThanOrEqual(0);
}

test("after subscribing, buying a pack and an AI call, the page shows plan, balances and history in words; filter and CSV work", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("subscription-page");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.goto("/settings/subscription");
  await expect(page.getByTestId("current-plan")).toHaveText("Free tier");
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await expect(page.getByTestId("history-description")).toHaveText("Monthly free tokens");

  await page.getByRole("button", { name: "Subscribe to Pro" }).click();
  await payOnStripe(page, /^Subscribe \d/);
  await expect(page.getByTestId("current-plan")).toHaveText("Pro");
  await page.getByRole("button", { name: "Buy Starter pack" }).click();
  await payOnStripe(page, /^Pay \d/);
  await expect(page.getByTestId("balance-purchased")).toHaveText("2,000");

  // One AI call, charged from the allowance (it is burned first).
  const call = await page.request.post("/api/ai/activity-analyzer", {
    data: { description: "Ran 5 km in 28 minutes, then 20 minutes of stretching." },
  });
  expect(call.status()).toBe(200);
  const charged = BigInt(Math.round(((await call.json()) as { tokens: { charged: number } }).tokens.charged * 1000));
  expect(charged).toBeGreaterThan(0n);

  // A call in flight: tokens held through the ledger, exactly as the metering wrapper holds them.
  const db = createDb(e2eServerValue("database-url"), 1);
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  const held = await reserve(db, {
    userId: user.id,
    amount: 12_345n,
    feature: "chat",
    requestId: `e2e-hold-${user.id}`,
    ttlMs: 600_000,
  });
  if (!held.ok) throw new Error(held.error.type);

  try {
    await page.goto("/settings/subscription");
    const allowance = 3_000_000n - charged;
    await expect(page.getByTestId("current-plan")).toHaveText("Pro");
    await expect(page.getByTestId("subscription-status")).toHaveText("Active");
    await expect(page.getByTestId("subscription-renews")).toContainText(/Renews on \w{3} \d{1,2}, \d{4}/);
    await expect(page.getByTestId("balance-allowance")).toHaveText(formatTokensDetailed(allowance, DEFAULT_LOCALE));
    await expect(page.getByTestId("balance-purchased")).toHaveText("2,000");
    await expect(page.getByTestId("balance-held")).toHaveText("12.3");
    await expect(page.getByTestId("subscription-available")).toHaveText(
      formatTokensDetailed(allowance + 2_000_000n - 12_345n, DEFAULT_LOCALE),
    );
    await expect(page.getByTestId("balance-status-label")).toHaveText("Healthy");
    await expect(page.getByTestId("allowance-reset")).toContainText(/Resets \w{3} \d{1,2}, \d{4} \(in \d+ days\)/);
    await expect(page.getByTestId("plan-pro")).toHaveAttribute("data-relation", "current");
    await expect(page.getByRole("button", { name: "Current plan Pro" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Upgrade to Titan" })).toBeEnabled();
    await expect(page.getByRole("button", { name: "Downgrade to Essential" })).toBeEnabled();
    await expect(page.getByTestId("pack-premium")).toContainText("+25% bonus");
    await expect(page.getByTestId("pack-starter")).not.toContainText("bonus");
    await expect(page.getByTestId("plan-titan")).toContainText("€2.83 per 1,000");

    // The history in words, newest first.
    const descriptions = page.getByTestId("history-description");
    await expect(descriptions).toHaveText([
      /^Activity analyzer · gpt-5-mini-2025-08-07 · [\d,]+ in \/ [\d,]+ out$/,
      "Starter pack",
      "Pro plan allowance",
      "Unused allowance expired",
      "Monthly free tokens",
    ]);
    const amounts = page.getByTestId("history-amount");
    await expect(amounts).toHaveText([
      formatSignedTokens(-charged, DEFAULT_LOCALE),
      "+2,000 tokens",
      "+3,000 tokens",
      "−100 tokens",
      "+100 tokens",
    ]);
    await expect(page.getByTestId("history-row").first()).toContainText(
      `Balance after: ${formatTokensDetailed(allowance + 2_000_000n, DEFAULT_LOCALE)}`,
    );
    await expect(page.getByTestId("history-row").first().locator("time")).toHaveText(
      /^\w{3} \d{1,2}, \d{4}, \d{2}:\d{2} UTC$/,
    );
    await expect(page.getByRole("table", { name: /Token transactions/ })).toBeVisible();

    await page.screenshot({ path: testInfo.outputPath("subscription-desktop.png"), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await expect(page.getByTestId("history-row")).toHaveCount(5);
    await noSidewaysScroll(page);
    await page.screenshot({ path: testInfo.outputPath("subscription-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  } finally {
    await release(db, held.reservation.id);
    await db.$disconnect();
  }

  // Filter by kind with the form (a GET: works without JavaScript).
  await page.goto("/settings/subscription");
  await page.getByLabel("Type").selectOption({ label: "AI usage" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/[?&]kind=consume/);
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await expect(page.getByTestId("history-row")).toHaveAttribute("data-kind", "consume");
  await expect(page.getByLabel("Type")).toHaveValue("consume");
  await page.getByLabel("Type").selectOption({ label: "Token pack" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("history-description")).toHaveText(["Starter pack"]);

  // The CSV of everything, with the same rows and exact amounts.
  await page.getByRole("link", { name: "Clear" }).click();
  await expect(page.getByTestId("history-row")).toHaveCount(5);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^tollgate-token-history-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toMatch(/^date_utc,kind,description,/);
  expect(lines.slice(1).map((line) => line.split(",")[1])).toEqual([
    "consume",
    "grant_pack",
    "grant_allowance",
    "expire_allowance",
    "grant_free",
  ]);
  expect(lines[1]).toContain(`,${formatTokensExact(-charged)},`);
  expect(lines[2]).toContain(",Starter pack,");
  expect(lines[2]).toContain(",2000.000,");
  expect(lines[3]).toContain(",Pro plan allowance,");
});

test("a bad history filter in the URL is named, and the export refuses it with 400 (401 signed out)", async ({
  page,
  request,
}) => {
  await signUp(page, uniqueEmail("subscription-filter"));
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/settings/subscription?kind=spend");
  await expect(page.getByTestId("history-error")).toContainText(
    "The type in this link is not one of the listed types.",
  );
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  const response = await page.request.get("/api/tokens/history/export?feature=nope");
  expect(response.status()).toBe(400);
  expect(await response.json()).toMatchObject({ error: "invalid_filter", field: "feature" });
  // The `request` fixture has no session cookie.
  expect((await request.get("/api/tokens/history/export")).status()).toBe(401);
});

test("a failed renewal shows past due with the way to fix the payment method; a cancellation shows its end date", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("subscription-states");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/settings/subscription");
  await page.getByRole("button", { name: "Subscribe to Essential" }).click();
  await payOnStripe(page, /^Subscribe \d/);
  await expect(page.getByTestId("subscription-status")).toHaveText("Active");

  const db = createDb(e2eServerValue("database-url"), 1);
  const sub = await db.userSubscription.findFirstOrThrow({ where: { user: { email } } });
  await db.$disconnect();

  // The renewal's payment fails: past due, tokens kept, the portal offered to fix the card.
  await simulator("POST", `/customers/${sub.stripeCustomerId}/fail-next-payment`);
  await simulator("POST", `/subscriptions/${sub.stripeSubscriptionId}/advance`);
  await simulator("GET", "/settled");
  await page.goto("/settings/subscription");
  await expect(page.getByTestId("subscription-status")).toHaveText("Payment failed");
  await expect(page.getByTestId("past-due")).toContainText("Your last payment failed.");
  await expect(page.getByTestId("current-plan")).toHaveText("Essential");
  await page.screenshot({ path: testInfo.outputPath("subscription-past-due.png"), fullPage: false });
  await page.getByRole("button", { name: "Update your payment method" }).click();
  await expect(page).toHaveURL(/\/p\/session\//);
  await page.getByRole("link", { name: "Return to app" }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?portal=returned$/);

  // The open invoice is paid: active again. Then cancelled in the portal: active until the period ends.
  const invoices = await simulator<{ data: { id: string; status: string; customer: string }[] }>(
    "GET",
    "/objects/invoice",
  );
  const open = invoices.data.find((invoice) => invoice.customer === sub.stripeCustomerId && invoice.status === "open");
  expect(open).toBeDefined();
  await simulator("POST", `/invoices/${open!.id}/pay`);
  await simulator("GET", "/settled");
  await page.goto("/settings/subscription");
  await expect(page.getByTestId("subscription-status")).toHaveText("Active");
  await expect(page.getByTestId("past-due")).toHaveCount(0);

  await page.getByRole("button", { name: "Manage subscription" }).click();
  await expect(page).toHaveURL(/\/p\/session\//);
  await page.getByRole("button", { name: "Cancel plan" }).click();
  await page.getByRole("link", { name: "Return to app" }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?portal=returned$/);
  await expect(page.getByTestId("subscription-status")).toHaveText("Cancelling");
  await expect(page.getByTestId("subscription-ends")).toContainText(
    /Cancels at the end of the period, on \w{3} \d{1,2}, \d{4}/,
  );
});
