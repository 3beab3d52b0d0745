// Auto top-up end to end in Chromium (docs/AUTO_TOPUP.md), through the loopback Stripe simulator the
// e2e server starts: a pack bought on the hosted checkout saves the card; auto top-up is turned on
// with a threshold just under the balance; one AI call takes the balance below it; the Basic pack is
// bought off session and arrives in the sidebar live (no reload), its receipt in the local inbox,
// and the ledger holds exactly one top-up grant.
import { expect, test } from "@playwright/test";
import pg from "pg";
import { e2eServerValue, signUp, uniqueEmail, waitForMail } from "./helpers";

async function topUpGrants(email: string): Promise<{ idempotency_key: string; purchased_delta: string }[]> {
  const client = new pg.Client({ connectionString: e2eServerValue("database-url") });
  await client.connect();
  try {
    const { rows } = await client.query<{ idempotency_key: string; purchased_delta: string }>(
      `SELECT t.idempotency_key, t.purchased_delta::text FROM token_transactions t JOIN users u ON u.id = t.user_id
       WHERE u.email = $1 AND t.idempotency_key LIKE 'topup:%'`,
      [email],
    );
    return rows;
  } finally {
    await client.end();
  }
}

test("auto top-up buys the chosen pack once when a call takes the balance below the threshold", async ({ page }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("topup");
  await signUp(page, email);

  // A Starter pack on the hosted checkout (Visa 4242): its card is saved for later.
  await page.goto("/settings/subscription");
  await expect(page.getByTestId("auto-top-up-state")).toHaveText("Auto top-up is off.");
  await page.getByRole("button", { name: "Buy Starter pack" }).click();
  await expect(page).toHaveURL(/\/c\/pay\//);
  await expect(page.getByText("Your card will be saved")).toBeVisible();
  await page.getByRole("button", { name: /^Pay \d/ }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?checkout=success&session_id=cs_/);
  await expect(page.getByTestId("balance-purchased")).toHaveText("2,000");
  const available = page.getByTestId("balance-available");
  await expect(available).toHaveAttribute("data-millitokens", "2100000");

  // Turn it on: the Basic pack (3,200 tokens) below 2,095 tokens — 5 under the balance.
  const section = page.getByTestId("auto-top-up");
  await expect(section).toContainText("ending in 4242");
  await section.getByLabel("Turn on auto top-up").check();
  await section.getByLabel("Pack to buy").selectOption("basic");
  await section.getByLabel("When fewer tokens than this are left").fill("2095");
  await section.getByRole("button", { name: "Save auto top-up" }).click();
  await expect(page.getByTestId("auto-top-up-state")).toContainText("Auto top-up is on: below 2,095 tokens");
  expect(await topUpGrants(email)).toEqual([]);

  // One low-quality illustration (about 11.15 tokens) takes the balance to about 2,088.85: below the line.
  await page.goto("/ai/generate-training-illustration");
  await page.evaluate(() => Object.assign(window, { __noReload: true }));
  await page.getByLabel("Exercise").fill("Bulgarian split squat with dumbbells");
  await page.getByLabel("Quality").selectOption("low");
  await page.getByRole("button", { name: "Generate illustration" }).click();
  await expect(page.getByTestId("illustration")).toBeVisible();
  const charged = BigInt((await page.getByTestId("cost-charged-value").getAttribute("data-millitokens")) ?? "NaN");
  expect(2_100_000n - charged).toBeLessThan(2_095_000n);

  // The pack arrives in the sidebar without a reload: what was left + 3,200 tokens.
  await expect(available).toHaveAttribute("data-millitokens", String(2_100_000n - charged + 3_200_000n), {
    timeout: 15_000,
  });
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  const receipt = await waitForMail(page.request, email, /auto top-up: Basic pack/);
  expect(receipt.text).toContain("3,200");
  const grants = await topUpGrants(email);
  expect(grants).toEqual([{ idempotency_key: expect.stringMatching(/^topup:pi_/), purchased_delta: "3200000" }]);
});
