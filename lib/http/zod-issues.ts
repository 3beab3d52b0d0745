// Zod's issues as a client reads them: one sentence naming each bad field, and the list itself.
import type { z } from "zod";

export interface FormattedIssues {
  /** `Invalid request: text Too small…; model Invalid option….` */
  message: string;
  issues: { path: string; message: string }[];
}

/** `root` names the value itself when an issue has no path ("body" for a request body). */
export function formatZodIssues(error: z.ZodError, root = "body"): FormattedIssues {
  return {
    message: `Invalid request: ${error.issues.map((i) => `${i.path.join(".") || root} ${i.message}`).join("; ")}.`,
    issues: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  };
}
