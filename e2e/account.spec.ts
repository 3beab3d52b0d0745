import { expect, test, type Page } from "@playwright/test";
import type { StoredMail } from "../dev/mail-server/store";
import { PASSWORD, e2eServerValue, linkIn, signIn, signUp, submitSignUp, uniqueEmail, waitForMail } from "./helpers";

/** The verification mails to `email` (oldest first), once there are `count` of them. */
async function verificationMails(page: Page, email: string, count: number): Promise<StoredMail[]> {
  const url = `${e2eServerValue("mail-inbox-url")}/api/messages?to=${encodeURIComponent(email)}`;
  let mails: StoredMail[] = [];
  await expect
    .poll(async () => {
      const all = (await (await page.request.get(url)).json()) as StoredMail[];
      mails = all.filter((m) => /Confirm your e-mail address/.test(m.subject));
      return mails.length;
    })
    .toBeGreaterThanOrEqual(count);
  return mails;
}

test("change the address → the mail at the new address → its link → sign in with the new address", async ({ page }) => {
  const email = uniqueEmail("move-from");
  const newEmail = uniqueEmail("move-to");
  await signUp(page, email);

  await page.goto("/settings/account");
  await page.getByLabel("New e-mail address").fill(newEmail);
  await page.getByLabel("Current password").fill("not my password");
  await page.getByRole("button", { name: "Change my address" }).click();
  await expect(page.getByText("Wrong password.")).toBeVisible();
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change my address" }).click();
  await expect(page.getByTestId("change-email-done")).toContainText("Check the new inbox");

  // The old address is told; nothing has changed until the link is followed.
  await waitForMail(page.request, email, /A change of your Tollgate address was requested/);
  await expect(page.getByTestId("account-email")).toHaveText(email);

  const mail = await waitForMail(page.request, newEmail, /Confirm your new Tollgate address/);
  await page.goto(linkIn(mail, "/confirm-email"));
  await page.getByRole("button", { name: "Confirm my new address" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=email_changed$/);
  await expect(page.getByTestId("sign-in-notice")).toContainText("Sign in with your new address");

  // Every session ended; the old address no longer signs in, the new one does.
  await signIn(page, email);
  await expect(page.getByTestId("form-error")).toHaveText("Wrong e-mail or password.");
  await signIn(page, newEmail);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toHaveText(newEmail);

  // The link works once.
  await page.goto(linkIn(mail, "/confirm-email"));
  await page.getByRole("button", { name: "Confirm my new address" }).click();
  await expect(page.getByTestId("confirm-email-error")).toContainText("already used");
});

test("delete the account → signed out with a notice → cannot sign in; the address can sign up again", async ({
  page,
}) => {
  test.slow(); // two accounts, each signed up and confirmed by mail: a long flow on a busy machine
  const email = uniqueEmail("delete");
  await signUp(page, email);

  await page.goto("/settings/account");
  await page.getByLabel("Your password, to confirm").fill("not my password");
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText("Wrong password. Nothing was deleted.")).toBeVisible();
  await page.getByLabel("Your password, to confirm").fill(PASSWORD);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/\?notice=account_deleted$/);
  await expect(page.getByTestId("landing-notice")).toContainText("Your account is deleted");

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, email);
  await expect(page.getByTestId("form-error")).toHaveText("Wrong e-mail or password.");
  await expect(page).toHaveURL(/\/sign-in/);

  // The address is free again: a sign-up creates a new account, confirmed by a new link.
  await submitSignUp(page, email, "a password for the new account");
  await expect(page).toHaveURL(/\/check-inbox/);
  const mails = await verificationMails(page, email, 2);
  await page.goto(linkIn(mails.at(-1)!, "/verify-email"));
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=verified$/);
  await signIn(page, email, "a password for the new account");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toHaveText(email);
});
