// The live sidebar balance, the low-balance banner and the 402 dialog, in Chromium against the
// production build: two tabs of one signed-in user, AI calls in one, the other's sidebar following
// without a reload (SSE fed by Postgres LISTEN/NOTIFY), the polling fallback when the stream is
// blocked, and a request the user cannot afford reaching the (simulated) Stripe checkout.
// Screenshots (widget, banner, dialog; desktop and 375 px) are saved under test-results/.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { e2eServerValue, signUp, uniqueEmail } from "./helpers";

/** What the ledger says is available (allowance + purchased − reserved), in millitokens. */
async function ledgerAvailable(email: string): Promise<bigint> {
  const client = new pg.Client({ connectionString: e2eServerValue("database-url") });
  await client.connect();
  try {
    const { rows } = await client.query<{ available: string }>(
      `SELECT (b.allowance + b.purchased - b.reserved)::text AS available FROM user_token_balance b JOIN users u ON u.id = b.user_id WHERE u.email = $1`,
      [email],
    );
    return BigInt(rows[0]!.available);
  } finally {
    await client.end();
  }
}

const widget = (page: Page) => page.getByTestId("balance-available");

/** An AI call made with fetch from `page` (its cookies): the metered route's status and body. */
async function illustrate(page: Page, quality: "low" | "medium" | "high") {
  return page.evaluate(async (q) => {
    const response = await fetch("/api/ai/generate-training-illustration", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ description: "Goblet squat with a kettlebell", quality: q }),
    });
    return { status: response.status, body: await response.json() };
  }, quality);
}

async function screenshot(page: Page, testInfo: TestInfo, name: string, target?: ReturnType<Page["getByTestId"]>) {
  const file = testInfo.outputPath(`${name}.png`);
  if (target) await target.screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: false });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

test("an AI call in one tab moves the other tab's sidebar balance live; the banner and the 402 dialog lead to checkout", async ({
  browser,
}, testInfo) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const tabA = await context.newPage();
  const email = uniqueEmail("live");
  await signUp(tabA, email);
  await expect(tabA).toHaveURL(/\/dashboard$/);
  await expect(tabA.getByTestId("balance-widget")).toHaveAttribute("data-connection", "live");
  await expect(widget(tabA)).toHaveAttribute("data-millitokens", "100000");
  // A marker that a reload would wipe: the updates below must arrive without one.
  await tabA.evaluate(() => Object.assign(window, { __noReload: true }));
  const box = await tabA.getByTestId("balance-widget").boundingBox();

  const tabB = await context.newPage();
  const streamsOfB: string[] = [];
  tabB.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/tokens/stream") streamsOfB.push(request.url());
  });
  await tabB.goto("/ai/activity-analyzer");
  const analysis = await tabB.evaluate(async () => {
    const response = await fetch("/api/ai/activity-analyzer", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ description: "Ran 8 km in 45 minutes, then 20 minutes of core work.", weightKg: 72 }),
    });
    return { status: response.status, body: await response.json() };
  });
  expect(analysis.status).toBe(200);
  const afterAnalysis = await ledgerAvailable(email);
  expect(afterAnalysis).toBeLessThan(100_000n);
  await expect(widget(tabA)).toHaveAttribute("data-millitokens", String(afterAnalysis), { timeout: 2_000 });
  expect(await tabA.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  // No layout shift: the widget keeps its box when the figure changes.
  expect(await tabA.getByTestId("balance-widget").boundingBox()).toEqual(box);
  // Tab B follows too, through tab A's stream: one stream per browser, not one per tab.
  await expect(widget(tabB)).toHaveAttribute("data-millitokens", String(afterAnalysis), { timeout: 2_000 });
  await expect(tabB.getByTestId("balance-widget")).toHaveAttribute("data-connection", "live");
  expect(streamsOfB).toEqual([]);
  await screenshot(tabA, testInfo, "widget-desktop", tabA.getByTestId("balance-widget"));

  // Spend down from tab B: two medium illustrations (42.51 each: 1,056 image tokens × $40/1M + the prompt's 54 tokens × $5/1M) leave < 20 % (amber), no banner yet.
  for (let i = 0; i < 2; i++) expect((await illustrate(tabB, "medium")).status).toBe(200);
  await expect(widget(tabA)).toHaveAttribute("data-millitokens", String(await ledgerAvailable(email)), {
    timeout: 2_000,
  });
  await expect(tabA.getByTestId("balance-widget")).toHaveAttribute("data-status", "low");
  await expect(tabA.getByTestId("low-balance-banner")).toHaveCount(0);
  // One low-quality one (11.15: 272 × $40/1M + 54 × $5/1M) more: below 10 % of the free allowance → the banner, live.
  expect((await illustrate(tabB, "low")).status).toBe(200);
  const left = await ledgerAvailable(email);
  expect(left).toBeLessThan(10_000n);
  await expect(widget(tabA)).toHaveAttribute("data-millitokens", String(left), { timeout: 2_000 });
  const banner = tabA.getByTestId("low-balance-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("tokens left");
  await expect(banner.getByRole("link", { name: "Get more tokens" })).toHaveAttribute("href", "/settings/subscription");
  expect(await tabA.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  await screenshot(tabA, testInfo, "banner-desktop");

  // A request it cannot afford (a high-quality illustration holds its image's 166.4 tokens plus the
  // prompt's, about 0.27: shown as 167) → the dialog.
  await tabA.goto("/ai/generate-training-illustration");
  await tabA.getByLabel("Exercise").fill("Bulgarian split squat with dumbbells");
  await tabA.getByLabel("Quality").selectOption("high");
  await tabA.getByRole("button", { name: "Generate illustration" }).click();
  const dialog = tabA.getByRole("dialog", { name: "Not enough tokens" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("insufficient-required")).toHaveText("167");
  await expect(dialog.getByTestId("insufficient-available")).toHaveText(/^\d(\.\d)?$/);
  // The cheapest cover for ~160 tokens on the free tier: the Essential plan (€9, 1,000 a month).
  await expect(dialog.getByTestId("insufficient-offer")).toHaveAttribute("data-id", "essential");
  const checkout = dialog.getByRole("button", { name: "Subscribe to Essential" });
  await expect(checkout).toBeFocused();
  // Focus stays inside the modal dialog.
  for (let i = 0; i < 6; i++) {
    await tabA.keyboard.press("Tab");
    expect(
      await dialog.evaluate((d) => d.contains(document.activeElement) || document.activeElement === document.body),
    ).toBe(true);
  }
  await screenshot(tabA, testInfo, "dialog-desktop");

  // Escape closes it; the inline alert stays; a new attempt opens it again.
  await tabA.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(tabA.getByTestId("ai-error")).toHaveAttribute("data-status", "402");

  // Phone width: the same screens at 375 px.
  await tabA.setViewportSize({ width: 375, height: 812 });
  await tabA.goto("/dashboard");
  await expect(tabA.getByTestId("low-balance-banner")).toBeVisible();
  await screenshot(tabA, testInfo, "banner-widget-phone");
  await tabA.goto("/ai/generate-training-illustration");
  await tabA.getByLabel("Exercise").fill("Bulgarian split squat with dumbbells");
  await tabA.getByLabel("Quality").selectOption("high");
  await tabA.getByRole("button", { name: "Generate illustration" }).click();
  await expect(dialog).toBeVisible();
  await screenshot(tabA, testInfo, "dialog-phone");

  // Its button starts checkout on the (simulated) Stripe page.
  await dialog.getByRole("button", { name: "Subscribe to Essential" }).click();
  await expect(tabA).toHaveURL(/\/c\/pay\//);
  await context.close();
});

test("while the stream is blocked the sidebar polls, and it goes live again when the stream is back", async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const context = await browser.newContext();
  const tabA = await context.newPage();
  const email = uniqueEmail("fallback");
  await signUp(tabA, email);
  await expect(tabA).toHaveURL(/\/dashboard$/);
  await expect(tabA.getByTestId("balance-widget")).toHaveAttribute("data-connection", "live");

  // Kill the stream: abort every new connection, and end the open one by reloading with the block on.
  await tabA.route("**/api/tokens/stream", (route) => route.abort("connectionreset"));
  await tabA.reload();
  await expect(tabA.getByTestId("balance-widget")).toHaveAttribute("data-connection", "polling");

  const tabB = await context.newPage();
  await tabB.goto("/dashboard");
  expect((await illustrate(tabB, "low")).status).toBe(200);
  const left = await ledgerAvailable(email);
  // A low-quality illustration: gpt-image-1's reported usage — 272 output tokens at $40 per 1M and the
  // prompt's text tokens at $5 per 1M (10,880 + 270 µ$) = 11,150 millitokens.
  expect(left).toBe(100_000n - 11_150n);
  // Polling every 5 s picks it up.
  await expect(widget(tabA)).toHaveAttribute("data-millitokens", String(left), { timeout: 7_000 });

  // The stream comes back: the client's reconnect (with backoff) makes it live again.
  await tabA.unroute("**/api/tokens/stream");
  // Coming back to the page retries at once instead of waiting out the backoff.
  await tabA.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await expect(tabA.getByTestId("balance-widget")).toHaveAttribute("data-connection", "live", { timeout: 5_000 });
  expect((await illustrate(tabB, "low")).status).toBe(200);
  await expect(widget(tabA)).toHaveAttribute("data-millitokens", String(left - 11_150n), { timeout: 2_000 });
  await context.close();
});
