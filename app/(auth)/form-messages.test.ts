// The waits of the limit messages: seconds under 90 s, whole minutes above, each through the ICU
// plural of its language (1 minute, 2 minutes; 1 seconde, 30 secondes).
import { describe, expect, it, vi } from "vitest";
import { testIntl } from "@/test/support/next-intl-server";
import { formMessages, minutesOf, waitArgs } from "./form-messages";

vi.mock("next-intl/server", () => import("@/test/support/next-intl-server"));

async function errorsIn(locale: "en" | "fr") {
  testIntl.locale = locale;
  return (await formMessages()).t;
}

describe("waitArgs / minutesOf", () => {
  it("words short waits in seconds and longer ones in minutes rounded up", () => {
    expect(waitArgs(30)).toEqual({ unit: "second", count: 30 });
    expect(waitArgs(89)).toEqual({ unit: "second", count: 89 });
    expect(waitArgs(90)).toEqual({ unit: "minute", count: 2 });
    expect(waitArgs(3_600)).toEqual({ unit: "minute", count: 60 });
    expect(minutesOf(1)).toBe(1);
    expect(minutesOf(61)).toBe(2);
  });
});

describe("limit messages", () => {
  it("agree with the number in English and French", async () => {
    const en = await errorsIn("en");
    expect(en("limits.signInEmail", waitArgs(30))).toBe(
      "Too many failed attempts for this e-mail. Try again in 30 seconds.",
    );
    expect(en("limits.signIn", waitArgs(1))).toBe("Too many sign-in attempts. Try again in 1 second.");
    expect(en("limits.signUpNetwork", waitArgs(3_600))).toBe(
      "Too many sign-ups from your network. Try again in 60 minutes.",
    );
    expect(en("limits.wrongPasswords", { minutes: 1 })).toBe("Too many wrong passwords. Try again in 1 minute.");
    const fr = await errorsIn("fr");
    expect(fr("limits.signInEmail", waitArgs(1))).toBe(
      "Trop de tentatives échouées pour cet e-mail. Réessayez dans 1 seconde.",
    );
    expect(fr("limits.signUp", waitArgs(600))).toBe("Trop d’inscriptions. Réessayez dans 10 minutes.");
    expect(fr("limits.changeTooSoon", { minutes: 1 })).toBe(
      "Un changement vient d’être demandé. Vous pourrez redemander dans 1 minute.",
    );
    expect((await formMessages()).issue({ message: "password_too_short" })).toBe(
      "Utilisez au moins 8\u00a0caractères.",
    );
  });
});
