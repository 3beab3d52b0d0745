// A French-speaking visitor (browser locale fr-FR, so Accept-Language: fr-FR) gets the app in French
// without choosing anything: the sign-up form, the shell, the prices "9,00 € TTC". The locale is
// stored on the user at sign-up; switching to English in Settings → Language and region turns every
// page English. The other specs run en-US browsers and assert English: English stays the default.
import { expect, test, type Page } from "@playwright/test";
import { fillFrenchCheckout, linkIn, PASSWORD, uniqueEmail, waitForMail } from "./helpers";

test.use({ locale: "fr-FR" });

/** Signs up and in through the French forms (the browser asks for fr-FR); ends on the dashboard. */
async function signUpInFrench(page: Page, email: string) {
  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Créer votre compte");
  await page.getByLabel("Nom (facultatif)").fill("Amélie");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Créer le compte" }).click();
  await expect(page).toHaveURL(/\/check-inbox/);
  // Sign-up stored the negotiated locale: the verification mail is French too.
  const mail = await waitForMail(page.request, email, /Confirmez votre adresse e-mail pour Tollgate/);
  await page.goto(linkIn(mail, "/verify-email"));
  await page.getByRole("button", { name: "Confirmer mon adresse" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=verified$/);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test("a French visitor signs up in French, sees French prices, and switches to English", async ({ page }) => {
  await signUpInFrench(page, uniqueEmail("fr"));

  // The shell in French, with French number formats.
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  const nav = page.getByRole("navigation", { name: "Application" });
  await expect(nav.getByRole("link", { name: "Tableau de bord" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Abonnement" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Se déconnecter" }).first()).toBeAttached();
  await expect(page.getByTestId("balance-widget")).toContainText("Jetons");

  // The cheapest plan, Essential, at €9: French money format with its VAT label. Intl puts a
  // no-break space (U+00A0) before the euro sign.
  await page.goto("/pricing");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tarifs");
  await expect(page.getByTestId("plan-essential")).toContainText("9,00\u00a0€ TTC");
  await expect(page.getByTestId("plan-essential")).toContainText("1\u202f000 jetons / mois");

  // Switch to English in the settings: the page and the shell turn English.
  await page.goto("/settings/language");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Langue et région");
  await page.getByLabel("Langue", { exact: true }).selectOption("en");
  await page.getByLabel("Fuseau horaire").selectOption("Europe/Paris");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Language and region");
  await expect(page.getByRole("navigation", { name: "App" }).getByRole("link", { name: "Dashboard" })).toBeVisible();

  // Stored on the user, not taken from the French browser: still English on the next page.
  await page.goto("/pricing");
  await expect(page.getByTestId("plan-essential")).toContainText("€9.00 incl. VAT");
  await page.goto("/settings/language");
  await expect(page.getByLabel("Time zone")).toHaveValue("Europe/Paris");
});

// Issue 20's combined path: a French user buys a yearly plan with a promotion code on the simulator's
// hosted checkout (Checkout gets `locale: "fr"`), then finds the invoice in the subscription page's
// list — amounts, statuses and dates in French formats.
test("a French user buys Pro yearly with a promotion code and finds the invoice in French", async ({ page }) => {
  test.setTimeout(90_000);
  await signUpInFrench(page, uniqueEmail("fr-yearly"));

  await page.goto("/settings/subscription");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Abonnement");
  await expect(page.getByTestId("plan-essential")).toContainText("9,00\u00a0€");
  await expect(page.getByTestId("plan-essential").getByTestId("tax-note")).toHaveText("TTC");
  await expect(
    page.getByRole("region", { name: "Factures" }).getByText("Aucune facture pour l’instant."),
  ).toBeVisible();
  await page.getByTestId("billing-yearly").click();
  await expect(page).toHaveURL(/billing=yearly/);
  await expect(page.getByRole("heading", { name: "Formules annuelles" })).toBeVisible();
  await expect(page.getByTestId("plan-pro").getByTestId("plan-price")).toHaveText("190,00\u00a0€");

  await page.getByRole("button", { name: "S’abonner à Pro" }).click();
  await expect(page).toHaveURL(/\/c\/pay\//);
  await fillFrenchCheckout(page, {
    name: "Amélie Poulain",
    line1: "15 rue des Trois-Frères",
    postalCode: "75018",
    city: "Paris",
    promotionCode: "WELCOME20",
  });
  // 190.00 − 20 % = 152.00, VAT inside.
  await expect(page.getByTestId("checkout-discount")).toHaveText("-38.00 EUR");
  await expect(page.getByTestId("checkout-total")).toHaveText("152.00 EUR");
  await page.getByRole("button", { name: /^Subscribe 152[.,]00/ }).click();

  await expect(page).toHaveURL(/\/settings\/subscription\?checkout=success&session_id=cs_/);
  await expect(page.getByTestId("checkout-notice")).toHaveText("Merci ! Votre abonnement est actif.");
  await expect(page.getByTestId("current-plan")).toHaveText("Pro");
  await expect(page.getByTestId("plan-interval")).toHaveText("190,00\u00a0€ / an · 3\u202f000 jetons chaque mois");
  // The coupon changes what is paid, not the allowance.
  await expect(page.getByTestId("balance-allowance")).toHaveText("3\u202f000");

  const invoices = page.getByRole("region", { name: "Factures" });
  const row = invoices.getByTestId("invoice-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("152,00\u00a0€");
  await expect(row).toContainText("Payée");
  await expect(row).toContainText(
    /\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/,
  );
  const href = await row.getByRole("link", { name: /^PDF/ }).getAttribute("href");
  expect(href).toMatch(/\/invoices\/in_\w+\/pdf$/);
  const pdf = await page.request.get(href!);
  expect(pdf.status()).toBe(200);
  expect((await pdf.body()).toString("latin1")).toContain("Total: 152.00 EUR");
});
