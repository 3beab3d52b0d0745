// A yearly plan end to end in Chromium: the subscription page's Monthly / Yearly switch shows the
// yearly prices, the simulator's hosted checkout charges the year, and the page shows the yearly
// plan with its monthly allowance (granted for the first month by invoice.paid).
import { expect, test } from "@playwright/test";
import { signUp, uniqueEmail } from "./helpers";

test("switch to Yearly, pay Pro for a year on the simulator's checkout, see the yearly plan and its monthly allowance", async ({
  page,
}) => {
  test.setTimeout(60_000);
  await signUp(page, uniqueEmail("annual"));
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.goto("/settings/subscription");
  await expect(page.getByTestId("plan-pro").getByTestId("plan-price")).toHaveText("€19.00");
  await page.getByTestId("billing-yearly").click();
  await expect(page).toHaveURL(/billing=yearly/);
  await expect(page.getByRole("heading", { name: "Yearly plans" })).toBeVisible();
  const pro = page.getByTestId("plan-pro");
  await expect(pro.getByTestId("plan-price")).toHaveText("€190.00");
  await expect(pro.getByTestId("plan-saving")).toHaveText("2 months free");

  await page.getByRole("button", { name: "Subscribe to Pro" }).click();
  await expect(page).toHaveURL(/\/c\/pay\//);
  await expect(page.getByText(/190[.,]00/).first()).toBeVisible();
  await page.getByRole("button", { name: /^Subscribe \d/ }).click();
  await expect(page).toHaveURL(/\/settings\/subscription\?checkout=success&session_id=cs_/);

  await expect(page.getByTestId("checkout-notice")).toHaveText("Thank you! Your subscription is active.");
  await expect(page.getByTestId("current-plan")).toHaveText("Pro");
  await expect(page.getByTestId("plan-interval")).toHaveText("€190.00 / year · 3,000 tokens every month");
  await expect(page.getByTestId("balance-allowance")).toHaveText("3,000");
  // The same plan monthly is a switch through the portal, not "current".
  await page.getByTestId("billing-monthly").click();
  await expect(page.getByRole("button", { name: "Switch Pro to monthly" })).toBeEnabled();
});
