// The dashboard in French for a user in Pacific/Auckland: greeting, figures in French number formats
// and the allowance's reset date in the user's time zone.
import { describe, expect, it } from "vitest";
import { renderIntl, textOf } from "@/test/support/render-intl";
import { DashboardSummary } from "./summary";

const NNBSP = "\u202f";

describe("DashboardSummary in French", () => {
  it("greets the user and shows the balance in French", () => {
    const balance = {
      available: 1_234_500n,
      allowance: 234_500n,
      purchased: 1_000_000n,
      // 14:00 UTC on 31 January is already 1 February in Auckland (UTC+13).
      nextResetAt: new Date("2027-01-31T14:00:00Z"),
    };
    const text = textOf(renderIntl(<DashboardSummary name="Ada" balance={balance} />, "fr", "Pacific/Auckland"));
    expect(text).toContain("|Bienvenue, Ada|");
    expect(text).toContain(`|Disponibles|1${NNBSP}235|`);
    expect(text).toContain("|Allocation mensuelle restante|235|Renouvelée le 1 févr. 2027|");
    expect(text).toContain(`|Achetés (n’expirent jamais)|1${NNBSP}000|`);
    expect(text).toContain("|Besoin de plus de jetons\u00a0? Découvrez les |formules et packs|.|");
  });

  it("greets a user without a name and without an account", () => {
    const text = textOf(renderIntl(<DashboardSummary name={null} balance={null} />));
    expect(text).toContain("|Bienvenue|");
    expect(text).not.toContain("Disponibles");
  });
});
