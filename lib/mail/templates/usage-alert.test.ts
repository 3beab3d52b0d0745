// The usage-alert mail in English and French: the threshold and its basis in the subject, the
// spend and the basis's tokens in the recipient's number format with ICU plurals, the renewal day in
// their time zone, the link to Settings → Limits & alerts, and the notification frame.
import { describe, expect, it } from "vitest";
import { renderMail } from "../render";

const NNBSP = "\u202f";
const NBSP = "\u00a0";
const FR = { appUrl: "https://tollgate.test", locale: "fr", timeZone: "Europe/Paris" } as const;
const EN = { appUrl: "https://tollgate.test", locale: "en", timeZone: "UTC" } as const;
const flat = (text: string) => text.replace(/\s*\n\s*/g, " ");
const data = { percent: 80, basis: "allowance", spent: 2_412, of: 3_000, resetsAt: "2026-12-31T23:30:00.000Z" };

describe("usage_alert", () => {
  it("in English: the allowance basis, the figures and the link to the limits page", async () => {
    const mail = await renderMail("usage_alert", data, EN);
    expect(mail.subject).toBe("You have used 80 % of your allowance at Tollgate");
    const text = flat(mail.text);
    expect(text).toContain(
      "You have spent 2,412 tokens this period: 80 % or more of your allowance of 3,000 tokens. The period renews on Dec 31, 2026.",
    );
    expect(text).toContain("https://tollgate.test/settings/limits");
    expect(text).toContain("because you chose usage alerts");
  });

  it("in French, on the cap: grouped figures, plurals, the day in Paris", async () => {
    const mail = await renderMail("usage_alert", { ...data, basis: "cap", spent: 1, of: 1_000 }, FR);
    expect(mail.subject).toBe(`Vous avez utilisé 80${NBSP}% de votre plafond de dépenses sur Tollgate`);
    const text = flat(mail.text);
    expect(text).toContain(
      `Vous avez dépensé 1 jeton sur la période${NBSP}: 80${NBSP}% ou plus de votre plafond de dépenses de 1${NNBSP}000 jetons. La période se renouvelle le 1 janv. 2027.`,
    );
    expect(mail.html).toContain("Voir les limites et alertes");
  });

  it("refuses data outside its schema (a percentage above 100)", async () => {
    await expect(renderMail("usage_alert", { ...data, percent: 120 }, EN)).rejects.toThrow();
  });
});
