// The billing and notification mails in French, with the recipient's formats: money from integer
// minor units ("9,00 €"), token counts grouped the French way ("1 234 jetons", U+202F) with ICU
// plurals ("0 jeton", "1 jeton"), and dates as the calendar day in the recipient's time zone (an
// instant late on Dec 31 in UTC is Jan 1 in Paris).
import { describe, expect, it } from "vitest";
import { renderMail } from "../render";

const NBSP = "\u00a0";
const NNBSP = "\u202f";
const UNSUBSCRIBE = "https://tollgate.test/api/mail/unsubscribe?token=u1";
const FR = { appUrl: "https://tollgate.test", locale: "fr", timeZone: "Europe/Paris" } as const;
const EN = { appUrl: "https://tollgate.test", locale: "en", timeZone: "UTC" } as const;
const flat = (text: string) => text.replace(/\s*\n\s*/g, " ");

describe("billing mails in French", () => {
  const failed = {
    planName: "Pro",
    amountDue: { minorUnits: 900, currency: "eur" },
    nextAttemptAt: "2026-12-10T23:30:00.000Z", // already Dec 11 in Paris
  };

  it("payment_failed: the amount in French format and the retry day in the user's time zone", async () => {
    const mail = await renderMail("payment_failed", failed, FR);
    expect(mail.subject).toBe("Votre paiement Tollgate a échoué");
    const text = flat(mail.text);
    expect(text).toContain(`Le paiement de 9,00${NBSP}€ pour votre abonnement Pro n’est pas passé.`);
    expect(text).toContain("Nous réessaierons de débiter la carte le 11 déc. 2026.");
    expect(text).toContain(`«${NBSP}Gérer l’abonnement${NBSP}»`);
    expect(mail.html).toContain("Mettre à jour votre moyen de paiement");

    const english = flat((await renderMail("payment_failed", failed, EN)).text);
    expect(english).toContain("The payment of €9.00 for your Pro subscription did not go through.");
    expect(english).toContain("We will try the card again on Dec 10, 2026.");
  });

  it("payment_failed: a row queued before mails were translated (amount as text) still renders", async () => {
    const mail = await renderMail("payment_failed", { ...failed, amountDue: "$20.00", nextAttemptAt: null }, FR);
    expect(flat(mail.text)).toContain("Le paiement de $20.00 pour votre abonnement Pro");
    expect(mail.text).not.toContain("réessaierons");
  });

  it("subscription_changed: every change in French, subjects with the plan, the end date in Paris", async () => {
    const base = { planName: "Pro", previousPlanName: null, endsAt: null };
    const active = await renderMail("subscription_changed", { ...base, change: "active" }, FR);
    expect(active.subject).toBe(`Votre abonnement est actif${NBSP}: Pro (Tollgate)`);
    expect(flat(active.text)).toContain(`Merci${NBSP}: votre formule Pro est active, avec ses jetons mensuels.`);

    const changed = await renderMail(
      "subscription_changed",
      { ...base, change: "plan_changed", previousPlanName: "Starter" },
      FR,
    );
    expect(changed.subject).toBe(`Votre formule a changé${NBSP}: Pro (Tollgate)`);
    expect(flat(changed.text)).toContain("Votre formule est passée de Starter à Pro.");

    const cancelled = await renderMail(
      "subscription_changed",
      { ...base, change: "cancelled", endsAt: "2026-12-31T23:30:00.000Z" },
      FR,
    );
    expect(cancelled.subject).toBe(`Votre abonnement est résilié${NBSP}: Pro (Tollgate)`);
    expect(flat(cancelled.text)).toContain(`prend fin le 1 janv. 2027${NNBSP}; d’ici là`);

    const ended = await renderMail("subscription_changed", { ...base, change: "ended" }, FR);
    expect(ended.subject).toBe("Votre abonnement a pris fin (Tollgate)");
    expect(flat(ended.text)).toContain("vous bénéficiez de l’offre gratuite.");

    const english = await renderMail("subscription_changed", { ...base, change: "active" }, EN);
    expect(english.subject).toBe("Your subscription is active: Pro (Tollgate)");
  });
});

describe("notification mails in French", () => {
  it("low_balance: grouped token counts, plurals, the percent and the renewal day in Paris", async () => {
    const data = { available: 1234, allowance: 35000, percent: 10, resetsAt: "2026-12-31T23:30:00.000Z" };
    const mail = await renderMail("low_balance", data, { ...FR, unsubscribeUrl: UNSUBSCRIBE });
    expect(mail.subject).toBe(`Vos jetons Tollgate sont passés sous les 10${NBSP}%`);
    const text = flat(mail.text);
    expect(text).toContain(
      `Il vous reste 1${NNBSP}234 jetons, moins de 10${NBSP}% de vos 35${NNBSP}000 jetons par période.`,
    );
    expect(text).toContain("Votre allocation se renouvelle le 1 janv. 2027.");
    expect(mail.html).toContain(`href="${UNSUBSCRIBE}"`);
    expect(mail.html).toContain("Se désabonner de ces e-mails");
    const one = flat((await renderMail("low_balance", { ...data, available: 1 }, FR)).text);
    expect(one).toContain("Il vous reste 1 jeton,");
    const none = flat((await renderMail("low_balance", { ...data, available: 0 }, FR)).text);
    expect(none).toContain("Il vous reste 0 jeton,"); // French: 0 takes the singular

    const english = await renderMail("low_balance", data, { ...EN, unsubscribeUrl: UNSUBSCRIBE });
    expect(english.subject).toBe("Your Tollgate tokens are below 10 %");
    expect(flat(english.text)).toContain("You have 1,234 tokens left, less than 10 % of your 35,000 tokens a period.");
    expect(flat(english.text)).toContain("Your allowance renews on Dec 31, 2026.");
    expect(english.html).toContain("Unsubscribe from these mails");
  });

  it("tokens_depleted: French subject and the renewal day in Paris", async () => {
    const mail = await renderMail(
      "tokens_depleted",
      { resetsAt: "2026-12-31T23:30:00.000Z" },
      { ...FR, unsubscribeUrl: UNSUBSCRIBE },
    );
    expect(mail.subject).toBe("Vous n’avez plus de jetons Tollgate");
    expect(flat(mail.text)).toContain(`Une requête vient d’être refusée${NBSP}: votre solde ne la couvre pas.`);
    expect(flat(mail.text)).toContain(`Votre allocation se renouvelle le 1 janv. 2027${NNBSP}; un pack de jetons`);
    expect(mail.html).toContain("Obtenir des jetons");
  });

  it("monthly_summary: period in Paris days, features by their French names, counts and plurals", async () => {
    const mail = await renderMail(
      "monthly_summary",
      {
        periodStart: "2026-10-31T23:00:00.000Z", // Nov 1, 00:00 in Paris
        periodEnd: "2026-11-30T23:00:00.000Z",
        features: [
          { feature: "chat", tokens: 1234 },
          { feature: "other", tokens: 1 },
        ],
        totalTokens: 1235,
        availableTokens: 0,
      },
      { ...FR, unsubscribeUrl: UNSUBSCRIBE },
    );
    expect(mail.subject).toBe("Votre consommation Tollgate sur la période commencée le 1 nov. 2026");
    const text = flat(mail.text);
    expect(text).toContain(`Du 1 nov. 2026 au 1 déc. 2026, vous avez utilisé 1${NNBSP}235 jetons${NBSP}:`);
    expect(text).toContain(`Discussion avec le coach${NBSP}: 1${NNBSP}234 jetons`);
    expect(text).toContain(`Autres${NBSP}: 1 jeton`);
    expect(text).toContain("Vous commencez la nouvelle période avec 0 jeton.");
    expect(mail.html).toContain("Voir votre consommation");

    const quiet = await renderMail(
      "monthly_summary",
      {
        periodStart: "2026-10-31T23:00:00.000Z",
        periodEnd: "2026-11-30T23:00:00.000Z",
        features: [],
        totalTokens: 0,
        availableTokens: 50,
      },
      EN,
    );
    expect(quiet.subject).toBe("Your Tollgate usage for the period from Oct 31, 2026");
    expect(flat(quiet.text)).toContain("From Oct 31, 2026 to Nov 30, 2026 you used 0 tokens.");
  });
});
