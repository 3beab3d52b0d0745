// Validation of the account forms (used by the server actions and the authorize step). A problem's
// message is a code from FORM_ERROR_CODES, never words: the action shows it in the user's language
// (messages errors.form.<code>), so lib/ stays free of the UI's translations.
import { z } from "zod";

/** Every message these schemas give a problem; `invalid` stands for any bound not worded here. */
export const FORM_ERROR_CODES = [
  "email_required",
  "email_invalid",
  "email_too_long",
  "password_choose",
  "password_too_short",
  "password_too_long",
  "password_required",
  "name_too_long",
  "credentials",
  "wrong_password",
  "invalid",
] as const;

export type FormErrorCode = (typeof FORM_ERROR_CODES)[number];

/** The code of a zod issue raised by these schemas (`invalid` for one they do not word). */
export function formErrorCode(issue: { message: string } | undefined): FormErrorCode {
  return FORM_ERROR_CODES.find((code) => code === issue?.message) ?? "invalid";
}

const email = z
  .string({ error: "email_required" })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "email_invalid" }).max(254, "email_too_long"));

const newPassword = z.string({ error: "password_choose" }).min(8, "password_too_short").max(128, "password_too_long");

/** A mailed link's token (account-tokens.ts checks it; this only bounds what is read). */
export const accountTokenSchema = z.string({ error: "invalid" }).trim().min(1, "invalid").max(200, "invalid");

export const forgotPasswordSchema = z.object({ email });

export const resetPasswordSchema = z.object({ token: accountTokenSchema, password: newPassword });

export const signUpSchema = z.object({
  name: z
    .string()
    .trim()
    .max(80, "name_too_long")
    .optional()
    .transform((v) => v || undefined),
  email,
  password: newPassword,
});

export const signInSchema = z.object({
  email,
  password: z.string({ error: "password_required" }).min(1, "password_required").max(128, "credentials"),
});

export type SignUpInput = z.infer<typeof signUpSchema>;

/** The current password, re-asked before a sensitive change; absent for an account without one. */
const currentPassword = z
  .string()
  .max(128, "wrong_password")
  .optional()
  .transform((v) => v || undefined);

export const changeEmailSchema = z.object({ email, password: currentPassword });

export const deleteAccountSchema = z.object({
  password: currentPassword,
  confirmEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "invalid")
    .optional()
    .transform((v) => v || undefined),
});
