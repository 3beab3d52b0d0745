import { expect, test } from "@playwright/test";
import { PASSWORD, expectBalance, signIn, signUp, signUpThenSignOut, uniqueEmail } from "./helpers";

test("sign up → the sidebar shows the 100 free tokens; sign out; sign in again", async ({ page }) => {
  const email = uniqueEmail("signup");
  await signUp(page, email);

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Welcome, Ada" })).toBeVisible();
  await expectBalance(page, "100");
  await expect(page.getByTestId("balance-widget")).toHaveAttribute("data-status", "healthy");
  await expect(page.getByText("Free tier")).toBeVisible();
  await expect(page.getByTestId("user-email")).toHaveText(email);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.goto("/sign-in");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectBalance(page, "100");
});

test("a wrong password shows an error and keeps the e-mail", async ({ page }) => {
  const email = uniqueEmail("wrongpw");
  await signUpThenSignOut(page, email);

  await page.goto("/sign-in");
  await signIn(page, email, "not the password");
  await expect(page.getByTestId("form-error")).toHaveText("Wrong e-mail or password.");
  await expect(page.getByLabel("E-mail")).toHaveValue(email);
  await expect(page).toHaveURL(/\/sign-in/);
});

test("an unknown e-mail gets the same error as a wrong password", async ({ page }) => {
  await page.goto("/sign-in");
  await signIn(page, uniqueEmail("nobody"));
  await expect(page.getByTestId("form-error")).toHaveText("Wrong e-mail or password.");
});

test("repeated failures are throttled, even for the right password", async ({ page }) => {
  const email = uniqueEmail("throttle");
  await signUpThenSignOut(page, email);

  await page.goto("/sign-in");
  for (let attempt = 1; attempt <= 4; attempt++) {
    await signIn(page, email, `wrong-${attempt}`);
    await expect(page.getByTestId("form-error")).toHaveText("Wrong e-mail or password.");
  }
  await signIn(page, email, "wrong-5");
  await expect(page.getByTestId("form-error")).toHaveText(
    /Too many failed attempts for this e-mail\. Try again in 30 seconds\./,
  );
  await signIn(page, email, PASSWORD);
  await expect(page.getByTestId("form-error")).toHaveText(/Too many failed attempts/);
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the shell sends signed-out visitors to sign-in and back afterwards", async ({ page }) => {
  const email = uniqueEmail("redirect");
  await signUpThenSignOut(page, email);

  for (const path of ["/dashboard", "/usage", "/settings/subscription"]) {
    await page.goto(path);
    await expect(page).toHaveURL(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
  }
  await signIn(page, email);
  await expect(page).toHaveURL(/\/settings\/subscription$/);
  await expect(page.getByRole("heading", { name: "Subscription" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Subscription" })).toHaveAttribute("aria-current", "page");
});

test("sign-up shows field errors and refuses a taken e-mail", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("E-mail").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid e-mail address.")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();

  const email = uniqueEmail("taken");
  await signUpThenSignOut(page, email);

  await signUp(page, email.toUpperCase());
  await expect(page.getByText("An account with this e-mail already exists. Sign in instead.")).toBeVisible();
});

test("a signed-in user visiting sign-in goes to the dashboard", async ({ page }) => {
  await signUp(page, uniqueEmail("already"));
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/sign-in");
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("on a phone, sign-up lands in the shell with the balance visible @phone", async ({ page }) => {
  await signUp(page, uniqueEmail("phone"));
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectBalance(page, "100");
  await expect(page.getByRole("navigation", { name: "App" }).getByRole("link", { name: "Usage" })).toBeVisible();
});
