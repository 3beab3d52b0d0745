// A French-speaking visitor (browser locale fr-FR, so Accept-Language: fr-FR) gets the app in French
// without choosing anything: the sign-up form, the shell, the prices "9,00 € TTC". The locale is
// stored on the user at sign-up; switching to English in Settings → Language and region turns every
// page English. The other specs run en-US browsers and assert English: English stays the default.
import { expect, test } from "@playwright/test";
import { confirmAddress, PASSWORD, uniqueEmail } from "./helpers";

test.use({ locale: "fr-FR" });

test("a French visitor signs up in French, sees French prices, and switches to English", async ({ page }) => {
  const email = uniqueEmail("fr");
  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Créer votre compte");
  await page.getByLabel("Nom (facultatif)").fill("Amélie");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Créer le compte" }).click();
  await expect(page).toHaveURL(/\/check-inbox/);
  await confirmAddress(page, email);
  await expect(page).toHaveURL(/\/sign-in\?notice=verified$/);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

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
