// The account mails (verification, sign-up attempt, password, change of address) in French: subject,
// HTML and text part all French, the document's lang "fr", and counts through ICU plurals. The same
// data in English gives the English mail (the one the existing mail tests read).
import { describe, expect, it } from "vitest";
import { renderMail } from "../render";

const NBSP = "\u00a0";
const NNBSP = "\u202f";
const FR = { appUrl: "https://tollgate.test", locale: "fr", timeZone: "Europe/Paris" } as const;
const EN = { appUrl: "https://tollgate.test", locale: "en", timeZone: "UTC" } as const;

/** The text part with its line breaks folded, so a sentence wrapped by the renderer reads whole. */
const flat = (text: string) => text.replace(/\s*\n\s*/g, " ");

describe("account mails in French", () => {
  it("verify_email: French subject, welcome, button and a plural of hours", async () => {
    const data = { url: "https://tollgate.test/verify-email?token=t1", expiresInHours: 24 };
    const mail = await renderMail("verify_email", data, FR);
    expect(mail.subject).toBe("Confirmez votre adresse e-mail pour Tollgate");
    expect(mail.html).toContain('lang="fr"');
    expect(mail.html).toContain("Confirmer mon adresse");
    expect(flat(mail.text)).toContain(`Bienvenue${NNBSP}! Confirmez que cette adresse est bien la vôtre`);
    expect(flat(mail.text)).toContain("expire dans 24 heures");
    expect(flat(mail.text)).toContain(`Ou ouvrez ce lien${NBSP}: https://tollgate.test/verify-email?token=t1`);
    expect(flat(mail.text)).toContain(
      "Vous recevez cet e-mail parce que cette adresse a servi à créer un compte Tollgate",
    );
    expect(mail.text).not.toMatch(/Confirm my|expires in|You get this mail/);
    const one = await renderMail("verify_email", { ...data, expiresInHours: 1 }, FR);
    expect(flat(one.text)).toContain("expire dans 1 heure.");

    const english = await renderMail("verify_email", data, EN);
    expect(english.subject).toBe("Confirm your e-mail address for Tollgate");
    expect(english.html).toContain('lang="en"');
    expect(flat(english.text)).toContain("expires in 24 hours");
  });

  it("signup_attempt: French text, and the link inside the sentence keeps its target", async () => {
    const mail = await renderMail(
      "signup_attempt",
      { signInUrl: "https://tollgate.test/sign-in", resetUrl: "https://tollgate.test/forgot-password" },
      FR,
    );
    expect(mail.subject).toBe("Quelqu’un a tenté de créer un compte Tollgate avec votre adresse");
    expect(mail.html).toContain("Se connecter");
    expect(mail.html).toMatch(/<a href="https:\/\/tollgate\.test\/forgot-password"[^>]*>Choisissez-en un nouveau<\/a>/);
    expect(flat(mail.text)).toContain(`Mot de passe oublié${NNBSP}?`);
    expect(flat(mail.text)).toContain(`Elle a déjà un compte${NBSP}: rien n’a été créé.`);
  });

  it("password_reset: French subject and the expiry in minutes (one and other)", async () => {
    const data = { url: "https://tollgate.test/reset-password?token=r1", expiresInMinutes: 60 };
    const mail = await renderMail("password_reset", data, FR);
    expect(mail.subject).toBe("Réinitialisez votre mot de passe Tollgate");
    expect(mail.html).toContain("Choisir un nouveau mot de passe");
    expect(flat(mail.text)).toContain("expire dans 60 minutes");
    expect(flat(mail.text)).toContain(`ignorez cet e-mail${NBSP}: votre mot de passe reste inchangé.`);
    expect(flat((await renderMail("password_reset", { ...data, expiresInMinutes: 1 }, FR)).text)).toContain(
      "expire dans 1 minute.",
    );
    expect((await renderMail("password_reset", data, EN)).subject).toBe("Reset your Tollgate password");
  });

  it("password_changed: French subject, warning and button", async () => {
    const mail = await renderMail("password_changed", { resetUrl: "https://tollgate.test/forgot-password" }, FR);
    expect(mail.subject).toBe("Votre mot de passe Tollgate a été modifié");
    expect(flat(mail.text)).toContain(
      `Si ce n’était pas vous, choisissez tout de suite un nouveau mot de passe${NBSP}:`,
    );
    expect(mail.html).toContain("Réinitialiser mon mot de passe");
  });

  it("email_change_confirm: French subject and a plural of hours", async () => {
    const mail = await renderMail(
      "email_change_confirm",
      { url: "https://tollgate.test/confirm-email?token=c1", expiresInHours: 1 },
      FR,
    );
    expect(mail.subject).toBe("Confirmez votre nouvelle adresse Tollgate");
    expect(flat(mail.text)).toContain("pour son compte Tollgate");
    expect(flat(mail.text)).toContain("pendant 1 heure.");
    expect(mail.html).toContain("Confirmer ma nouvelle adresse");
  });

  it("email_change_notice: French subject, and the new address in the text", async () => {
    const mail = await renderMail(
      "email_change_notice",
      { newEmail: "nouvelle@example.com", resetUrl: "https://tollgate.test/forgot-password" },
      FR,
    );
    expect(mail.subject).toBe("Un changement de votre adresse Tollgate a été demandé");
    expect(flat(mail.text)).toContain("a demandé à remplacer son adresse par nouvelle@example.com.");
    expect(flat(mail.text)).toContain(`est suivi${NNBSP}; d’ici là`);
    expect(mail.html).toContain("Votre adresse va changer");
  });
});
