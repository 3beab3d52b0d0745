import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { e2eDataDir } from "../test/support/e2e-paths";

export const PASSWORD = "correct horse battery staple";

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(5).toString("hex")}@example.com`;
}

export async function signUp(page: Page, email: string, password = PASSWORD, name = "Ada") {
  await page.goto("/sign-up");
  await page.getByLabel("Name (optional)").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
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

/** A value the e2e server wrote for the specs (database-url, cron-secret). */
export function e2eServerValue(name: "database-url" | "cron-secret"): string {
  return readFileSync(path.join(e2eDataDir(), name), "utf8").trim();
}
