import { expect, test } from "@playwright/test";
import {
  PASSWORD,
  confirmAddress,
  expectBalance,
  linkIn,
  signIn,
  signUp,
  signUpThenSignOut,
  submitSignUp,
  uniqueEmail,
  signInOnAnotherDevice,
  expectSignedOutSoon,
  waitForMail,
} from "./helpers";

test("sign up → the mail arrives → its link confirms the address → 100 tokens; sign out; sign in again", async ({
  page,
}) => {
  const email = uniqueEmail("signup");
  await submitSignUp(page, email);
  await expect(page).toHaveURL(/\/check-inbox/);
  await expect(page.getByRole("status")).toContainText(`We sent a mail to ${email}`);

  // Signed in before confirming: the shell says what to do, and there are no free tokens yet.
  await page.goto("/sign-in");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("verify-email-banner")).toContainText("Confirm your address");
  await expect(page.getByTestId("balance-available")).toHaveCount(0);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);

  await confirmAddress(page, email);
  await expect(page).toHaveURL(/\/sign-in\?notice=verified$/);
  await expect(page.getByTestId("sign-in-notice")).toContainText("Your address is confirmed");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Welcome, Ada" })).toBeVisible();
  await expectBalance(page, "100");
  await expect(page.getByTestId("verify-email-banner")).toHaveCount(0);
  await expect(page.getByTestId("balance-widget")).toHaveAttribute("data-status", "healthy");
  await expect(page.getByText("Free tier")).toBeVisible();
  await expect(page.getByTestId("user-email")).toHaveText(email);

  // The link works once.
  const mail = await waitForMail(page.request, email, /Confirm your e-mail address/);
  await page.goto(linkIn(mail, "/verify-email"));
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.getByText("This link was already used: your address is confirmed.")).toBeVisible();
  await page.goto("/dashboard");
  await expectBalance(page, "100");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.goto("/sign-in");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectBalance(page, "100");
});

test("forgot password → the link → a new password → sign in with it; the old session is refused", async ({
  browser,
  page,
}) => {
  const email = uniqueEmail("reset");
  await signUp(page, email);
  // A second device, signed in with the old password.
  const { context: other, page: otherPage } = await signInOnAnotherDevice(browser, email);

  await page.getByRole("button", { name: "Sign out" }).click();
  // The sign-out has landed (its answer cleared the cookie) before the next request: behind the
  // round-robin proxy that request may reach the other instance while the sign-out is still running.
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  // The link navigates on the client: until the new page is shown, "E-mail" is still the sign-in
  // form's field, and filling it then leaves the reset form empty (its answer is a field error, not
  // the status). Behind the two instances that navigation can take a while.
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("status")).toContainText("If this address has an account");

  const mail = await waitForMail(page.request, email, /Reset your Tollgate password/);
  await page.goto(linkIn(mail, "/reset-password"));
  await page.getByLabel("New password").fill("a completely new password");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=password_reset$/);

  await signIn(page, email, PASSWORD);
  await expect(page.getByTestId("form-error")).toHaveText("Wrong e-mail or password.");
  await signIn(page, email, "a completely new password");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectBalance(page, "100");

  // The other device's session ended with the reset.
  await expectSignedOutSoon(otherPage);
  await other.close();

  // The link works once.
  await page.goto(linkIn(mail, "/reset-password"));
  await page.getByLabel("New password").fill("yet another password");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page.getByTestId("form-error")).toContainText("This link was already used");
  await waitForMail(page.request, email, /Your Tollgate password was changed/);
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

test("sign-up shows field errors, and answers a taken e-mail like a new one while mailing its owner", async ({
  page,
}) => {
  await page.goto("/sign-up");
  await page.getByLabel("E-mail").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid e-mail address.")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();

  const email = uniqueEmail("taken");
  await signUpThenSignOut(page, email);

  await submitSignUp(page, email.toUpperCase(), "somebody else's password");
  await expect(page).toHaveURL(/\/check-inbox/);
  await expect(page.getByRole("status")).toContainText(`We sent a mail to ${email}`);
  const notice = await waitForMail(page.request, email, /Someone tried to sign up/);
  await page.goto(linkIn(notice, "/sign-in"));
  await signIn(page, email, "somebody else's password");
  await expect(page.getByTestId("form-error")).toHaveText("Wrong e-mail or password.");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("settings: sign out everywhere ends this session and the others", async ({ browser, page }) => {
  const email = uniqueEmail("everywhere");
  await signUp(page, email);
  const { context: other, page: otherPage } = await signInOnAnotherDevice(browser, email);

  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByTestId("account-verified")).toContainText("Confirmed on");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signed_out_everywhere$/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
  await expectSignedOutSoon(otherPage);
  await other.close();
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
