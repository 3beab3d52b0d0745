import { expect, test, type Page } from "@playwright/test";
import { renderPng } from "../dev/openai-simulator/images";
import { formatTokens, DEFAULT_LOCALE } from "../lib/format";
import { expectBalance, signUp, uniqueEmail } from "./helpers";

/** A real PNG (an 8×8 grid of colours, 320×240 px), generated for the test. */
const mealPhoto = () => ({ name: "lunch.png", mimeType: "image/png", buffer: renderPng("e2e-meal", 320, 240) });

async function balanceMillitokens(page: Page): Promise<bigint> {
  return BigInt((await page.getByTestId("balance-available").getAttribute("data-millitokens")) ?? "NaN");
}

test("a user uploads a meal photo, sees the analysis, and the sidebar balance drops by exactly the charge shown", async ({
  page,
}) => {
  await signUp(page, uniqueEmail("meal"));
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectBalance(page, "100");
  const before = await balanceMillitokens(page);

  await page.getByRole("navigation", { name: "AI" }).getByRole("link", { name: "Meal analyzer" }).click();
  await expect(page.getByRole("heading", { name: "Meal analyzer" })).toBeVisible();
  await expect(page.getByTestId("cost-estimate")).toContainText("choose a photo to see it");

  await page.getByLabel("Meal photo").setInputFiles(mealPhoto());
  await expect(page.getByText("320×240")).toBeVisible();
  // The estimate for this photo, before running: the worst case the route will hold.
  await expect(page.getByTestId("cost-estimate-value")).toHaveText(/^at most [\d.]+ tokens$/);
  const estimated = Number(await page.getByTestId("cost-estimate-value").getAttribute("data-tokens"));

  await page.getByRole("button", { name: "Analyze meal" }).click();
  const result = page.getByTestId("ai-result");
  await expect(result.getByRole("heading", { name: "Meal analysis" })).toBeVisible();
  await expect(result.getByText("Foods")).toBeVisible();
  await expect(result.getByText("Totals")).toBeVisible();

  const charged = BigInt((await page.getByTestId("cost-charged-value").getAttribute("data-millitokens")) ?? "NaN");
  expect(charged).toBeGreaterThan(0n);
  expect(Number(charged) / 1000).toBeLessThanOrEqual(estimated);
  // The sidebar (refreshed after the call) shows the balance minus exactly that charge.
  await expect(page.getByTestId("balance-available")).toHaveAttribute("data-millitokens", String(before - charged));
  await expectBalance(page, formatTokens(before - charged, DEFAULT_LOCALE));
});

test("the meal page refuses a file that is not an image, and works at 375 px @phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await signUp(page, uniqueEmail("meal-phone"));
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/ai/meal-analyzer");
  await page
    .getByLabel("Meal photo")
    .setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a photo") });
  await expect(page.getByRole("alert").filter({ hasText: "notes.txt" })).toHaveText(
    "notes.txt is not a JPEG, PNG, WebP or GIF image.",
  );
  await expect(page.getByRole("button", { name: "Analyze meal" })).toBeDisabled();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});
