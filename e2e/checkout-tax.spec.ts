// A European checkout in Chromium, on the simulator's hosted page: the prices say "incl. VAT"; a
// user buys a pack with a promotion code and a French billing address (20 % VAT inside the
// discounted price), gets the tokens, and finds the invoice in the subscription page's list, with
// a PDF link that opens a PDF.
import { expect, test } from "@playwright/test";
import { fillFrenchCheckout, signUp, uniqueEmail } from "./helpers";

test("buy a pack with a promotion code and a French address, then find its invoice and PDF", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/pricing");
  await expect(page.getByTestId("pack-starter").getByTestId("tax-note")).toHaveText("incl. VAT");

  await signUp(page, uniqueEmail("tax"));
  await page.goto("/settings/subscription");
  await expect(page.getByTestId("pack-starter").getByTestId("tax-note")).toHaveText("incl. VAT");
  await expect(page.getByRole("region", { name: "Invoices" }).getByText("No invoices yet.")).toBeVisible();

  await page.getByRole("button", { name: "Buy Starter pack" }).click();
  await expect(page).toHaveURL(/\/c\/pay\//);
  await fillFrenchCheckout(page, {
    name: "Ada Lovelace",
    line1: "1 rue de la Paix",
    postalCode: "75002",
    city: "Paris",
    promotionCode: "WELCOME20",
  });
  // 19.00 − 20 % = 15.20, VAT inside: 15.20 × 20/120 = 2.53.
  await expect(page.getByTestId("checkout-discount")).toHaveText("-3.80 EUR");
  await expect(page.getByTestId("checkout-tax")).toHaveText("2.53 EUR");
  await expect(page.getByTestId("checkout-total")).toHaveText("15.20 EUR");
  await page.getByRole("button", { name: "Pay 15.20 EUR" }).click();

  await expect(page).toHaveURL(/\/settings\/subscription\?checkout=success&session_id=cs_/);
  await expect(page.getByTestId("checkout-notice")).toHaveText("Thank you! Your tokens have been added.");
  await expect(page.getByTestId("balance-purchased")).toHaveText("2,000");

  const row = page.getByTestId("invoice-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("€15.20");
  await expect(row).toContainText("Paid");
  const pdfLink = row.getByRole("link", { name: /^PDF/ });
  const href = await pdfLink.getAttribute("href");
  expect(href).toMatch(/\/invoices\/in_\w+\/pdf$/);
  const pdf = await page.request.get(href!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 8).toString()).toBe("%PDF-1.4");
  // The link opens (a new tab, as the page asks).
  const [opened] = await Promise.all([page.context().waitForEvent("page"), pdfLink.click()]);
  await expect.poll(() => opened.url()).toContain("/pdf");
});
