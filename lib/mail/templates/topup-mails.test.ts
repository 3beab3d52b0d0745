// The auto top-up mails in English and French: the receipt (pack, tokens, amount charged, Stripe's
// receipt link) and the failure (why, that it is off, the link to the subscription page).
import { describe, expect, it } from "vitest";
import { renderMail } from "../render";

const NBSP = "\u00a0";
const NNBSP = "\u202f";
const FR = { appUrl: "https://tollgate.test", locale: "fr", timeZone: "Europe/Paris" } as const;
const EN = { appUrl: "https://tollgate.test", locale: "en", timeZone: "UTC" } as const;
const flat = (text: string) => text.replace(/\s*\n\s*/g, " ");
const receipt = {
  packName: "Basic",
  tokens: 3200,
  amount: { minorUnits: 2900, currency: "eur" },
  receiptUrl: "https://pay.stripe.test/receipts/ch_1",
};

describe("auto top-up mails", () => {
  it("topup_receipt: pack, tokens, amount and the receipt link, in English and French", async () => {
    const en = await renderMail("topup_receipt", receipt, EN);
    expect(en.subject).toBe("Your Tollgate auto top-up: Basic pack");
    expect(flat(en.text)).toContain(
      "we bought the Basic pack for you: 3,200 tokens were added to your balance and €29.00 was charged",
    );
    expect(en.html).toContain('href="https://pay.stripe.test/receipts/ch_1"');
    expect(en.html).toContain("View the receipt");
    const fr = await renderMail("topup_receipt", receipt, FR);
    expect(fr.subject).toBe(`Votre recharge automatique Tollgate${NBSP}: pack Basic`);
    expect(flat(fr.text)).toContain(
      `3${NNBSP}200 jetons ont été ajoutés à votre solde et 29,00${NBSP}€ ont été débités`,
    );
    expect(fr.html).toContain("Voir le reçu");
  });

  it("topup_receipt without a receipt URL renders without the button", async () => {
    const mail = await renderMail("topup_receipt", { ...receipt, receiptUrl: null }, EN);
    expect(mail.html).not.toContain("View the receipt");
  });

  it("topup_failed: the reason, that it is off, and the link to fix it", async () => {
    const en = await renderMail("topup_failed", { packName: "Basic", reason: "authentication_required" }, EN);
    expect(en.subject).toBe("Your Tollgate auto top-up did not go through");
    expect(flat(en.text)).toContain("Your bank asks you to confirm the payment for the Basic pack (3-D Secure)");
    expect(flat(en.text)).toContain("Auto top-up is now off");
    expect(en.html).toContain('href="https://tollgate.test/settings/subscription#auto-top-up"');
    const fr = await renderMail("topup_failed", { packName: "Basic", reason: "declined" }, FR);
    expect(flat(fr.text)).toContain("Votre carte a été refusée lorsque nous avons voulu acheter le pack Basic.");
    expect(fr.html).toContain("Régler le problème dans les réglages de votre abonnement");
  });
});
