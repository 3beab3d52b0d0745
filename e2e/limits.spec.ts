// Spend limits and usage alerts end to end in Chromium (docs/SPEND_LIMITS.md, docs/USAGE_ALERTS.md):
// a user sets a cap and an alert on Settings → Limits & alerts, spends past the alert (its mail
// arrives in the loopback inbox), is refused by the cap with the cap's own message in the 402
// dialog — nothing charged for the refused call — follows its link and lifts the cap.
import { expect, test } from "@playwright/test";
import pg from "pg";
import { e2eServerValue, signUp, uniqueEmail, waitForMail } from "./helpers";

async function spent(email: string): Promise<bigint> {
  const client = new pg.Client({ connectionString: e2eServerValue("database-url") });
  await client.connect();
  try {
    const { rows } = await client.query<{ period_spent: string }>(
      `SELECT b.period_spent::text FROM user_token_balance b JOIN users u ON u.id = b.user_id WHERE u.email = $1`,
      [email],
    );
    return BigInt(rows[0]!.period_spent);
  } finally {
    await client.end();
  }
}

test("a spending limit refuses the call that would pass it, with its own dialog; an alert mails at 10 %", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("limits");
  await signUp(page, email);

  await page.goto("/settings/limits");
  await page.getByLabel("Thresholds (%)").fill("10");
  await page.getByRole("button", { name: "Save alerts" }).click();
  await expect(page.getByTestId("limits-saved")).toHaveText("Your usage alerts are saved.");
  await page.getByLabel("Limit per period (tokens)").fill("15");
  await page.getByRole("button", { name: "Save limit" }).click();
  await expect(page.getByTestId("limits-saved")).toHaveText("Your spending limit is saved.");
  await expect(page.getByTestId("limit-cap")).toHaveText("15");

  // A low-quality illustration (about 11.15 tokens, its worst case as much) fits under the cap of 15,
  // and takes the period's spending past 10 % of the free tier's 100 tokens: the alert's mail.
  const generate = async () => {
    await page.getByLabel("Exercise").fill("Bulgarian split squat with dumbbells");
    await page.getByLabel("Quality").selectOption("low");
    await page.getByRole("button", { name: "Generate illustration" }).click();
  };
  await page.goto("/ai/generate-training-illustration");
  await generate();
  await expect(page.getByTestId("illustration")).toBeVisible();
  const charged = BigInt((await page.getByTestId("cost-charged-value").getAttribute("data-millitokens")) ?? "NaN");
  expect(charged).toBeGreaterThan(10_000n);
  expect(charged).toBeLessThan(15_000n);
  await expect.poll(() => spent(email)).toBe(charged);
  await waitForMail(page.request, email, /You have used 10 % of your allowance/);

  // A second one could take the spending to about 22.3 tokens, past the cap: refused before it runs.
  await generate();
  const dialog = page.getByRole("dialog", { name: "Spending limit reached" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("spend-limit-message")).toContainText("your limit of 15 tokens");
  await expect(dialog.getByTestId("spend-limit-cap")).toHaveText("15");
  expect(await spent(email)).toBe(charged);

  // Its link leads to the limits page, where the cap is lifted; the same request then runs.
  await dialog.getByTestId("spend-limit-change").click();
  await expect(page).toHaveURL(/\/settings\/limits$/);
  await page.getByRole("button", { name: "Remove limit" }).click();
  await expect(page.getByTestId("limits-saved")).toHaveText("Your spending limit is removed.");
  await page.goto("/ai/generate-training-illustration");
  await generate();
  await expect(page.getByTestId("illustration")).toBeVisible();
  await expect.poll(() => spent(email)).toBe(2n * charged);
});
