// A paying user's mails end to end in Chromium, through the loopback Stripe simulator and the e2e
// server's loopback inbox: the subscription's activation, a failed renewal → the mail → its link →
// the billing portal; then running out of tokens → the mail → its unsubscribe link, which works
// with a click and is seen in Settings → Notifications.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { createDb } from "../lib/db/connect";
import { reserve } from "../lib/tokens/ledger";
import { e2eDataDir } from "../test/support/e2e-paths";
import { e2eServerValue, linkIn, signUp, uniqueEmail, waitForMail } from "./helpers";

async function simulator(method: "GET" | "POST", route: string): Promise<void> {
  const url = readFileSync(path.join(e2eDataDir(), "stripe-simulator-url"), "utf8").trim();
  const response = await fetch(`${url}/_simulator${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "POST" ? "{}" : undefined,
  });
  expect(response.status, `${method} ${route}`).toBeLessThan(300);
}

async function payOnStripe(page: Page, button: RegExp) {
  await expect(page).toHaveURL(/\/c\/pay\//);
  await page.getByRole("button", { name: button }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?checkout=success&session_id=cs_/);
}

test("subscription mails, a failed renewal's portal link, and unsubscribing from the out-of-tokens alert", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("notifications");
  await signUp(page, email);
  await page.goto("/settings/subscription");
  await page.getByRole("button", { name: "Subscribe to Pro" }).click();
  await payOnStripe(page, /^Subscribe \d/);
  await waitForMail(page.request, email, /Your subscription is active: Pro/);

  // A failed renewal: the mail links to the subscription page, which opens the portal.
  const db = createDb(e2eServerValue("database-url"), 1);
  try {
    const user = await db.user.findUniqueOrThrow({ where: { email }, include: { subscription: true } });
    await simulator("POST", `/customers/${user.subscription!.stripeCustomerId}/fail-next-payment`);
    await simulator("POST", `/subscriptions/${user.subscription!.stripeSubscriptionId}/advance`);
    await simulator("GET", "/settled");
    const failed = await waitForMail(page.request, email, /payment failed/);
    await page.goto(linkIn(failed, "/settings/subscription"));
    await page.getByRole("button", { name: "Manage subscription" }).click();
    await expect(page).toHaveURL(/\/p\/session\//);

    // Every token held (as calls in flight would): the next call is refused, and mailed about.
    const balance = await db.userTokenBalance.findUniqueOrThrow({ where: { userId: user.id } });
    const held = await reserve(db, {
      userId: user.id,
      amount: balance.allowance + balance.purchased - balance.reserved,
      feature: "chat",
      requestId: `e2e-drain-${user.id}`,
      ttlMs: 600_000,
    });
    if (!held.ok) throw new Error(held.error.type);
  } finally {
    await db.$disconnect();
  }
  await page.goto("/dashboard");
  const refused = await page.request.post("/api/ai/activity-analyzer", {
    data: { description: "Ran 5 km in 28 minutes, then 20 minutes of stretching." },
  });
  expect(refused.status()).toBe(402);
  const depleted = await waitForMail(page.request, email, /You are out of Tollgate tokens/);
  expect(depleted.headers["list-unsubscribe-post"] ?? depleted.headers["List-Unsubscribe-Post"]).toBe(
    "List-Unsubscribe=One-Click",
  );

  // The mail's unsubscribe link: opening it asks; the button unsubscribes.
  await page.goto(linkIn(depleted, "/api/mail/unsubscribe"));
  await expect(page).toHaveURL(/\/unsubscribe\?token=/);
  await page.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(page.getByRole("status")).toContainText("You will no longer get out-of-tokens alerts");

  await page.goto("/settings/notifications");
  await expect(page.getByRole("checkbox", { name: /Tokens ran out/ })).not.toBeChecked();
  await expect(page.getByRole("checkbox", { name: /Low balance/ })).toBeChecked();
  await page.getByRole("checkbox", { name: /Monthly summary/ }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /Monthly summary/ })).toBeChecked();
  await expect(page.getByText("Payment mails")).toBeVisible();
});
