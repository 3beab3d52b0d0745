// Settings → Limits & alerts renders what the user's rows say, in English and French: spent, held
// and the cap in the user's number format, the day the count starts again, the cap's form — or,
// for an admin's cap, the note that the user cannot change it and no form; the reached state; the
// alerts' thresholds and basis; the saved / error notices by code. Data and session are stand-ins.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { renderIn, testIntl, textOf } from "@/test/support/next-intl-server";
import type { SpendLimit } from "@/lib/tokens/spend-limit";

vi.mock("next-intl/server", () => import("@/test/support/next-intl-server"));
const data = vi.hoisted(() => ({
  limit: null as SpendLimit | null,
  alerts: { thresholds: [50, 80], basis: "allowance" as "allowance" | "cap" },
  usageAlert: true,
}));
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => ({ id: "user-1", email: "ada@example.com", name: "Ada", role: "user" }),
}));
vi.mock("@/lib/db/client", () => ({ db: () => ({}) }));
vi.mock("@/lib/tokens/spend-limit", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readSpendLimit: async () => data.limit,
}));
vi.mock("@/lib/mail/notifications/usage-alerts", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readUsageAlerts: async () => data.alerts,
}));
vi.mock("@/lib/mail/notifications/preferences", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  readPreferences: async () => ({
    low_balance: true,
    tokens_depleted: true,
    monthly_summary: false,
    usage_alert: data.usageAlert,
  }),
}));
vi.mock("@/lib/tokens/account-summary", () => ({ accountSummary: async () => ({ periodAllowance: 3_000_000n }) }));
vi.mock("./actions", () => ({ saveSpendLimit: async () => {}, saveUsageAlerts: async () => {} }));

const NNB = "\u202f";
const limit = (over: Partial<SpendLimit> = {}): SpendLimit => ({
  cap: 1_500_000n,
  setByAdmin: null,
  spent: 1_234_500n,
  held: 2_000n,
  periodStart: new Date("2026-12-01T00:00:00Z"),
  nextResetAt: new Date("2027-01-01T00:00:00Z"),
  ...over,
});

beforeAll(() => {
  Object.assign(process.env, {
    DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none",
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
  });
});

async function page(locale: "en" | "fr", params: Record<string, string> = {}) {
  Object.assign(testIntl, { locale, timeZone: locale === "fr" ? "Europe/Paris" : "UTC" });
  const { default: Page } = await import("./page");
  const html = await renderIn(locale, await Page({ searchParams: Promise.resolve(params) }));
  return { html, text: textOf(html) };
}

describe("Settings → Limits & alerts", () => {
  it("in English: spent, held and the cap, the reset day, the cap's form and the alerts' form", async () => {
    data.limit = limit();
    const { html, text } = await page("en", { saved: "cap" });
    expect(text).toContain("|Limits & alerts|");
    expect(text).toContain("|Your spending limit is saved.|");
    expect(text).toContain("The count starts again on Jan 1, 2027.");
    expect(text).toContain("|Spent this period|1,234.5|In use by requests running now|2|Limit|1,500|");
    expect(html).toMatch(/name="cap"[^>]*value="1500"/);
    expect(text).toContain("|Remove limit|");
    expect(html).toMatch(/name="thresholds"[^>]*value="50, 80"/);
    expect(html).toMatch(/name="basis" checked="" value="allowance"/);
    expect(text).toContain("my allowance per period (3,000 tokens)");
    expect(text).not.toContain("administrator");
  });

  it("in French, an admin's cap: the note, no form to change it, and the reached state", async () => {
    data.limit = limit({ setByAdmin: "admin-1", cap: 1_000_000n, spent: 1_000_000n });
    const { html, text } = await page("fr");
    expect(text).toContain("|Limites et alertes|");
    expect(text).toContain(
      `|Dépensé sur la période|1${NNB}000|Réservé par les demandes en cours|2|Plafond|1${NNB}000|`,
    );
    expect(text).toContain("Un administrateur a fixé ce plafond");
    expect(text).toContain("Vous avez atteint votre plafond pour cette période");
    expect(html).not.toMatch(/name="cap"/);
    expect(text).not.toContain("Supprimer le plafond");
  });

  it("words the errors by code, says when alert mails are off, and without a cap has no remove button", async () => {
    data.limit = limit({ cap: null });
    data.usageAlert = false;
    data.alerts = { thresholds: [], basis: "cap" };
    const { html, text } = await page("en", { error: "cap_invalid" });
    expect(text).toContain("|Enter a whole number of tokens from 1 to 100,000,000.|");
    expect(text).toContain("|Limit|No limit|");
    expect(text).not.toContain("Remove limit");
    expect(text).toContain("Usage alert mails are turned off in your |notification settings|");
    expect(text).toContain("Alerts on the spending limit are sent once you have a limit.");
    expect(html).toMatch(/name="basis" checked="" value="cap"/);
    // An unknown code shows nothing rather than a raw key.
    expect((await page("en", { error: "nope", saved: "nope" })).html).not.toMatch(/role="(alert|status)"/);
  });
});
