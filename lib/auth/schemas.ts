// Validation of the sign-up and sign-in forms (used by the server actions and the authorize step).
import { z } from "zod";

const email = z
  .string({ error: "Enter your e-mail address." })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid e-mail address." }).max(254, "That e-mail address is too long."));

const newPassword = z
  .string({ error: "Choose a password." })
  .min(8, "Use at least 8 characters.")
  .max(128, "Use at most 128 characters.");

/** A mailed link's token (account-tokens.ts checks it; this only bounds what is read). */
export const accountTokenSchema = z.string({ error: "The link has no token." }).trim().min(1).max(200);

export const forgotPasswordSchema = z.object({ email });

export const resetPasswordSchema = z.object({ token: accountTokenSchema, password: newPassword });

export const signUpSchema = z.object({
  name: z
    .string()
    .trim()
    .max(80, "Keep your name under 80 characters.")
    .optional()
    .transform((v) => v || undefined),
  email,
  password: newPassword,
});

export const signInSchema = z.object({
  email,
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(128, "Wrong e-mail or password."),
});

export type SignUpInput = z.infer<typeof signUpSchema>;

/** The current password, re-asked before a sensitive change; absent for an account without one. */
const currentPassword = z
  .string()
  .max(128, "Wrong password.")
  .optional()
  .transform((v) => v || undefined);

export const changeEmailSchema = z.object({ email, password: currentPassword });

export const deleteAccountSchema = z.object({
  password: currentPassword,
  confirmEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .optional()
    .transform((v) => v || undefined),
});
