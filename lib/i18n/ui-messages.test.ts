// The request's catalogue (what next-intl serialises into every page) leaves out the mail texts,
// and keeps everything else.
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import { loadMessages, loadUiMessages } from "./messages";

describe("loadUiMessages", () => {
  it.each(["en", "fr"] as const)("%s: every namespace but mail", async (locale) => {
    const ui = await loadUiMessages(locale);
    expect(Object.keys(ui)).toEqual(Object.keys(en).filter((namespace) => namespace !== "mail"));
    expect(ui).not.toHaveProperty("mail");
    const { mail, ...rest } = await loadMessages(locale);
    expect(mail.passwordReset.subject).toBeTruthy();
    expect(ui).toEqual(rest);
  });
});
