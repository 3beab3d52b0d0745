// The account-recovery pages and the unsubscribe page render in French for a French user: titles,
// messages, links and buttons from messages/fr.json, French typography (no-break spaces), and the
// ICU selects that agree with the notification kind. Server actions are stand-ins (not rendered).
import { beforeAll, describe, expect, it, vi } from "vitest";
import { renderIn, testIntl, textOf } from "@/test/support/next-intl-server";
import { unsubscribeToken } from "@/lib/mail/notifications/unsubscribe";

vi.mock("next-intl/server", () => import("@/test/support/next-intl-server"));
vi.mock("./account-actions", () => ({
  verifyEmailAction: async () => {},
  forgotPasswordAction: async () => ({}),
  resetPasswordAction: async () => ({}),
}));
vi.mock("./unsubscribe/actions", () => ({ unsubscribeAction: async () => {} }));
vi.mock("../(app)/settings/account/actions", () => ({ confirmEmailChangeAction: async () => {} }));

const SECRET = "a-test-secret-that-is-at-least-32-characters";
const NB = "\u00a0";
beforeAll(() => {
  // env() wants a database URL; these pages never connect.
  Object.assign(process.env, { AUTH_SECRET: SECRET, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none" });
  testIntl.locale = "fr";
});

const params = <T,>(value: T) => ({ searchParams: Promise.resolve(value) });

type Page = (props: { searchParams: Promise<Record<string, string>> }) => Promise<React.ReactNode>;
const PAGES: Record<string, () => Promise<{ default: Page }>> = {
  "check-inbox": () => import("./check-inbox/page"),
  "verify-email": () => import("./verify-email/page"),
  "confirm-email": () => import("./confirm-email/page"),
  "forgot-password": () => import("./forgot-password/page"),
  "reset-password": () => import("./reset-password/page"),
  unsubscribe: () => import("./unsubscribe/page"),
};

/** The French text of a page at `path` with these search params. */
async function page(path: string, search: Record<string, string> = {}): Promise<string> {
  const { default: Page } = await PAGES[path]!();
  return textOf(await renderIn("fr", await Page(params(search))));
}

describe("account pages in French", () => {
  it("check-inbox names the address in bold and links to sign-in", async () => {
    const html = await renderIn(
      "fr",
      await (await import("./check-inbox/page")).default(params({ email: "ada@example.com" })),
    );
    expect(html).toContain("Nous avons envoyé un e-mail à <strong>ada@example.com</strong>.");
    expect(textOf(html)).toContain(`confirmer votre adresse${NB}: vos jetons mensuels gratuits`);
    expect(textOf(html)).toContain(`valable 24${NB}heures.`);
    expect(html).toMatch(/<a [^>]*href="\/sign-in"[^>]*>connectez-vous<\/a> pour le renvoyer/);
    expect(await page("check-inbox", { email: "not-an-address" })).toContain(
      "Nous avons envoyé un e-mail à votre adresse.",
    );
  });

  it("verify-email: the button, and each error in words", async () => {
    expect(await page("verify-email", { token: "abc.def" })).toContain(
      "|Confirmez votre adresse|Un clic, et vos jetons",
    );
    expect(await page("verify-email", { token: "abc.def" })).toContain("|Confirmer mon adresse|");
    expect(await page("verify-email", { error: "used" })).toContain(
      `Ce lien a déjà été utilisé${NB}: votre adresse est confirmée.`,
    );
    expect(await page("verify-email", { error: "expired" })).toContain("|Ce lien a expiré.|");
    expect(await page("verify-email", { error: "forged" })).toContain("|Ce lien n’est pas valide.|");
    expect(await page("verify-email")).toContain("|Connectez-vous| pour recevoir un nouveau lien.");
  });

  it("confirm-email: the button and the taken-address error", async () => {
    expect(await page("confirm-email", { token: "abc.def" })).toContain("|Confirmer ma nouvelle adresse|");
    expect(await page("confirm-email", { error: "taken" })).toContain("appartient désormais à un autre compte");
    expect(await page("confirm-email", { error: "taken" })).toContain("|Paramètres du compte|");
  });

  it("forgot-password and reset-password: titles, labels, buttons", async () => {
    const forgot = await page("forgot-password");
    expect(forgot).toContain(`|Mot de passe oublié${NB}?|Nous vous envoyons par e-mail un lien`);
    expect(forgot).toContain("|E-mail|");
    expect(forgot).toContain("|Envoyer le lien|Retour à la connexion|");
    const reset = await page("reset-password", { token: "abc.def" });
    expect(reset).toContain("|Choisissez un nouveau mot de passe|Nouveau mot de passe|");
    expect(reset).toContain(`|Au moins 8${NB}caractères. Toutes les autres sessions sont déconnectées.|`);
    expect(reset).toContain("|Enregistrer le nouveau mot de passe|");
    expect(await page("reset-password")).toContain("|Ce lien n’est pas valide. |Demandez-en un nouveau|.|");
  });

  it("unsubscribe: the question, the answer agreeing with the kind, a bad link", async () => {
    const token = unsubscribeToken(SECRET, "user-1", "low_balance");
    const ask = await page("unsubscribe", { token });
    expect(ask).toContain(`|Ne plus recevoir les alertes de solde faible par e-mail${NB}?|`);
    expect(ask).toContain("|Se désinscrire|Les e-mails de paiement et de sécurité sont toujours envoyés.|");
    expect(await page("unsubscribe", { done: "monthly_summary" })).toContain(
      "|Vous ne recevrez plus le récapitulatif mensuel. Vous pouvez le réactiver dans vos |paramètres de notification|.|",
    );
    expect(await page("unsubscribe", { done: "tokens_depleted" })).toContain(
      "Vous ne recevrez plus les alertes de jetons épuisés. Vous pouvez les réactiver",
    );
    expect(await page("unsubscribe", { token: "forged" })).toContain("Ce lien de désinscription n’est pas valide");
  });

  it("English stays the default wording", async () => {
    const { default: Page } = await import("./unsubscribe/page");
    testIntl.locale = "en";
    const html = textOf(await renderIn("en", await Page(params({ done: "tokens_depleted" }))));
    expect(html).toContain(
      "You will no longer get out-of-tokens alerts. You can turn them back on in your |notification settings|.",
    );
  });
});
