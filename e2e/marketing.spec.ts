import { expect, test } from "@playwright/test";

test("the landing page explains the product and links to pricing", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Pay for the AI you use");
  await page.getByRole("link", { name: "See pricing" }).click();
  await expect(page).toHaveURL(/\/pricing$/);
});

test("pricing lists the 7 plans and 4 packs from the database", async ({ page }) => {
  await page.goto("/pricing");
  await expect(page.getByTestId("plans").getByRole("listitem")).toHaveCount(7);
  await expect(page.getByTestId("packs").getByRole("listitem")).toHaveCount(4);

  const essential = page.getByTestId("plan-essential");
  await expect(essential).toContainText("€9.00");
  await expect(essential).toContainText("1,000 tokens / month");
  await expect(essential).toContainText("€9.00 per 1,000 tokens");

  const titan = page.getByTestId("plan-titan");
  await expect(titan).toContainText("€99.00");
  await expect(titan).toContainText("35,000 tokens / month");
  await expect(titan).toContainText("€2.83 per 1,000 tokens");

  const premium = page.getByTestId("pack-premium");
  await expect(premium).toContainText("€99.00");
  await expect(premium).toContainText("12,500 tokens");
  await expect(premium).toContainText("+25% bonus");
  await expect(page.getByTestId("pack-starter")).not.toContainText("bonus");
  await expect(page.getByText("100 free tokens")).toBeVisible();
});
