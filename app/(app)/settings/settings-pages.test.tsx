// Settings → Account and Settings → Notifications render in French for a French user: headings,
// forms (labels, buttons, the address typed out), the confirmation date in French format and the
// user's time zone, and the low-balance threshold with French typography. The session, the
// account's row and the preferences are stand-ins; the actions are not called.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { renderIn, testIntl, textOf } from "@/test/support/next-intl-server";

vi.mock("next-intl/server", () => import("@/test/support/next-intl-server"));
const account = vi.hoisted(() => ({ emailVerified: null as Date | null, hasPassword: true }));
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => ({ id: "user-1", email: "ada@example.com", name: "Ada", role: "user" }),
}));
vi.mock("@/lib/auth/users", () => ({ accountStatus: async () => account }));
vi.mock("@/lib/db/client", () => ({ db: () => ({}) }));
vi.mock("@/lib/mail/notifications/preferences", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readPreferences: async () => ({ low_balance: true, tokens_depleted: false, monthly_summary: true }),
}));
vi.mock("../actions", () => ({ signOutEverywhereAction: async () => {} }));
vi.mock("./account/actions", () => ({ changeEmailAction: async () => ({}), deleteAccountAction: async () => ({}) }));
vi.mock("./notifications/actions", () => ({ saveNotificationPreferences: async () => {} }));

const NB = "\u00a0";
beforeAll(() => {
  Object.assign(process.env, {
    DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none",
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    LOW_BALANCE_PERCENT: "10",
  });
  Object.assign(testIntl, { locale: "fr", timeZone: "Europe/Paris" });
});

async function accountPage(): Promise<string> {
  const { default: Page } = await import("./account/page");
  return textOf(await renderIn("fr", await Page()));
}

describe("Settings → Account in French", () => {
  it("shows the address, its confirmation date in French, and the forms of an account with a password", async () => {
    account.emailVerified = new Date("2026-03-01T13:05:00Z");
    account.hasPassword = true;
    const text = await accountPage();
    expect(text).toContain("|Compte|Adresse e-mail|ada@example.com|");
    expect(text).toContain("|Confirmée le 1 mars 2026, 14:05 UTC+1.|");
    expect(text).toContain("|Changer d’adresse|Nouvelle adresse e-mail|Mot de passe actuel|Changer mon adresse|");
    expect(text).toContain(`ou vous en avez perdu un${NB}?`);
    expect(text).toContain("|Se déconnecter partout|");
    expect(text).toContain("Pour changer votre mot de passe, |demandez un lien de réinitialisation|.");
    expect(text).toContain("|Supprimer mon compte|Ceci vous déconnecte partout");
    expect(text).toContain("|Votre mot de passe, pour confirmer|Supprimer mon compte|");
  });

  it("without a password: no password asked to change the address; deletion asks for the address typed out", async () => {
    account.emailVerified = null;
    account.hasPassword = false;
    const text = await accountPage();
    expect(text).toContain("|Pas encore confirmée.|");
    expect(text).toContain(`n’avez pas de mot de passe${NB}: votre session suffit`);
    expect(text).toContain("Pour définir un mot de passe, |demandez un lien de réinitialisation|.");
    expect(text).toContain("|Saisissez votre adresse (ada@example.com) pour confirmer|");
    expect(text).not.toContain("Mot de passe actuel");
  });
});

describe("Settings → Notifications in French", () => {
  it("lists the kinds with their French wording and the threshold as 10 %", async () => {
    const { default: Page } = await import("./notifications/page");
    const html = await renderIn("fr", await Page({ searchParams: Promise.resolve({ saved: "1" }) }));
    const text = textOf(html);
    expect(text).toContain("|Notifications|Enregistré.|");
    expect(text).toContain(`|Solde faible|Quand vos jetons passent sous 10${NB}% de votre allocation mensuelle`);
    expect(text).toContain("|Plus de jetons|Quand une requête est refusée faute de jetons (une fois par période).|");
    expect(text).toContain("|Récapitulatif mensuel|Au début d’une nouvelle période");
    expect(text).toContain("|Enregistrer|Toujours envoyés|Les e-mails de paiement");
    // The boxes show the stored preferences.
    expect(html).toMatch(/name="low_balance" checked=""/);
    expect(html).not.toMatch(/name="tokens_depleted" checked=""/);
    const refused = textOf(await renderIn("fr", await Page({ searchParams: Promise.resolve({ error: "invalid" }) })));
    expect(refused).toContain("|Ces préférences n’ont pas pu être enregistrées.");
  });
});
