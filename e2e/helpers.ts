import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import type { StoredMail } from "../dev/mail-server/store";
import { e2eDataDir, e2ePort } from "../test/support/e2e-paths";
import { linkIn as linkInText, matchesMail, noMailError } from "../test/mail/match";

export const PASSWORD = "correct horse battery staple";

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(5).toString("hex")}@example.com`;
}

/** Fills and sends the sign-up form; the app then answers "check your inbox" whatever the address. */
export async function submitSignUp(page: Page, email: string, password = PASSWORD, name = "Ada") {
  await page.goto("/sign-up");
  await page.getByLabel("Name (optional)").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Follows the verification mail sent to `email`: its link, then the page's confirm button. */
export async function confirmAddress(page: Page, email: string) {
  const mail = await waitForMail(page.request, email, /Confirm your e-mail address/);
  await page.goto(linkIn(mail, "/verify-email"));
  await page.getByRole("button", { name: "Confirm my address" }).click();
}

/**
 * A new account, the way a user makes one: the sign-up form, the verification mail from the
 * loopback inbox, its link, then sign-in — landing in the shell with the free tokens.
 */
export async function signUp(page: Page, email: string, password = PASSWORD, name = "Ada") {
  await submitSignUp(page, email, password, name);
  await expect(page).toHaveURL(/\/check-inbox/);
  await confirmAddress(page, email);
  await expect(page).toHaveURL(/\/sign-in\?notice=verified$/);
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  // Wait for the server action's answer, so a repeated attempt never races the previous one.
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-in"),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
  // React resets the form when the action settles; wait for that before the next attempt fills it.
  await page.waitForFunction(() => {
    const submit = document.querySelector<HTMLButtonElement>("form button[type=submit]");
    return location.pathname !== "/sign-in" || (submit !== null && !submit.disabled);
  });
}

/** The same user signed in in a second browser context (another device, with its own cookie). */
export async function signInOnAnotherDevice(
  browser: Browser,
  email: string,
  password = PASSWORD,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/sign-in");
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { context, page };
}

/**
 * A device whose session was ended elsewhere is sent to sign-in — within a second: it may land on
 * the other instance, which trusts its cached session version that long (lib/auth/session-version.ts).
 */
export async function expectSignedOutSoon(page: Page) {
  await expect
    .poll(
      async () => {
        await page.goto("/dashboard");
        return new URL(page.url()).pathname;
      },
      { timeout: 5_000 },
    )
    .toBe("/sign-in");
}

export async function expectBalance(page: Page, tokens: string) {
  await expect(page.getByTestId("balance-available")).toHaveText(tokens);
}

/** A new account, signed out again: for flows that start at sign-in. */
export async function signUpThenSignOut(page: Page, email: string) {
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/**
 * A value the e2e server wrote for the specs (database-url, cron-secret, mail-inbox-url, and
 * instance-urls: the JSON `{ a, b }` of the two instances behind the proxy, each addressed directly).
 */
export function e2eServerValue(name: "database-url" | "cron-secret" | "mail-inbox-url" | "instance-urls"): string {
  return readFileSync(path.join(e2eDataDir(), name), "utf8").trim();
}

/**
 * The first mail to `to` whose subject matches, read from the e2e server's loopback inbox (its JSON
 * API) until it arrives: the app sends after commit, so the mail comes some time after the action.
 */
export async function waitForMail(
  request: Pick<APIRequestContext, "get">,
  to: string,
  subject: RegExp,
  { timeoutMs = 15_000, inboxUrl = e2eServerValue("mail-inbox-url") }: { timeoutMs?: number; inboxUrl?: string } = {},
): Promise<StoredMail> {
  const url = `${inboxUrl}/api/messages?to=${encodeURIComponent(to)}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await request.get(url);
    if (response.status() !== 200) throw new Error(`GET ${url} answered ${response.status()}`);
    const mails = (await response.json()) as StoredMail[];
    const found = mails.find((m) => matchesMail(m, { to, subject }));
    if (found) return found;
    if (Date.now() >= deadline) throw noMailError({ to, subject }, timeoutMs, mails);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The first link of the mail's text part into the app under `pathPrefix` (the e2e server's APP_URL). */
export function linkIn(mail: Pick<StoredMail, "text" | "subject">, pathPrefix: string): string {
  return linkInText(mail, pathPrefix, `http://localhost:${e2ePort()}`);
}

/** Fills the simulator's hosted checkout page: a billing address in France and a promotion code, applied. */
export async function fillFrenchCheckout(
  page: Page,
  {
    name,
    line1,
    postalCode,
    city,
    promotionCode,
  }: { name: string; line1: string; postalCode: string; city: string; promotionCode: string },
) {
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Country or region").selectOption("FR");
  await page.getByLabel("Address").fill(line1);
  await page.getByLabel("Postal code").fill(postalCode);
  await page.getByLabel("City").fill(city);
  await page.getByLabel("Promotion code").fill(promotionCode);
  await page.getByRole("button", { name: "Apply" }).click();
}
