// Validation of the sign-up and sign-in forms (used by the server actions and the authorize step).
import { z } from "zod";

const email = z
  .string({ error: "Enter your e-mail address." })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid e-mail address." }).max(254, "That e-mail address is too long."));

export const signUpSchema = z.object({
  name: z
    .string()
    .trim()
    .max(80, "Keep your name under 80 characters.")
    .optional()
    .transform((v) => v || undefined),
  email,
  password: z
    .string({ error: "Choose a password." })
    .min(8, "Use at least 8 characters.")
    .max(128, "Use at most 128 characters."),
});

export const signInSchema = z.object({
  email,
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(128, "Wrong e-mail or password."),
});

export type SignUpInput = z.infer<typeof signUpSchema>;
