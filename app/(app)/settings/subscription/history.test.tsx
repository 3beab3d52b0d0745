// The transaction history rendered in French for a user in Europe/Paris: headings, filters, the
// kinds in words, dates in the user's time zone and amounts in French number formats.
import { createTranslator } from "use-intl/core";
import { describe, expect, it } from "vitest";
import fr from "@/messages/fr.json";
import { describeRow, type HistoryWords } from "@/lib/history/describe";
import type { HistoryEntry } from "@/lib/history/view";
import { formatTokensDetailed } from "@/lib/format";
import { defaultPlans, ledgerRow } from "@/test/history/fixtures";
import { renderIntl, textOf } from "@/test/support/render-intl";
import { HistorySection } from "./history";

const words = { t: createTranslator({ locale: "fr", messages: fr }), locale: "fr" } as unknown as HistoryWords;
const NNBSP = "\u202f";

function entry(overrides: Parameters<typeof ledgerRow>[0]): HistoryEntry {
  const row = ledgerRow(overrides);
  const description = describeRow(row, defaultPlans, words);
  return {
    id: row.id.toString(),
    createdAt: row.createdAt,
    kind: row.kind,
    kindLabel: row.kind,
    ...description,
    amountMillitokens: (row.allowanceDelta + row.purchasedDelta).toString(),
    balanceAfter: formatTokensDetailed(row.allowanceAfter + row.purchasedAfter, "fr"),
    actorId: null,
  };
}

describe("HistorySection in French", () => {
  it("shows the rows in French, dated in the user's time zone", () => {
    const view = {
      nextCursor: "abc",
      entries: [
        entry({
          feature: "recipe-generator",
          allowanceDelta: -1_234_500n,
          allowanceAfter: 2_765_500n,
          usage: { model: "gpt-5-mini", inputTokens: 900, outputTokens: 300 },
          // 23:30 UTC on 1 March is already 2 March in Paris.
          createdAt: new Date("2026-03-01T23:30:00Z"),
        }),
      ],
    };
    const text = textOf(renderIntl(<HistorySection view={view} params={{ kind: "consume" }} error={null} />));
    expect(text).toContain("|Historique des mouvements|");
    expect(text).toContain("|Télécharger le CSV (filtré)|");
    expect(text).toContain("|Type|Tous les types|Allocation de la formule|Pack de jetons|");
    expect(text).toContain("|Utilisation de l’IA|Remboursement|");
    expect(text).toContain("|Fonction d’IA|Toutes les fonctions|Discussion avec le coach|");
    expect(text).toContain("|Date (Europe/Paris)|Mouvement|Variation|Solde après|");
    expect(text).toContain("|2 mars 2026, 00:30 UTC+1|");
    expect(text).toContain("|Générateur de recettes| · gpt-5-mini| · 900 en entrée / 300 en sortie|");
    expect(text).toContain(`|−1${NNBSP}235 jetons|`);
    expect(text).toContain(`|Solde après\u00a0: |2${NNBSP}765,5|`);
    expect(text).toContain("|Plus anciens →|");
  });

  it("links back to the newest page from an older one", () => {
    const text = textOf(
      renderIntl(<HistorySection view={{ entries: [], nextCursor: null }} params={{ cursor: "abc" }} error={null} />),
    );
    expect(text).toContain("|← Plus récents|");
  });

  it("names a refused filter and an empty history in French", () => {
    const text = textOf(
      renderIntl(<HistorySection view={{ entries: [], nextCursor: null }} params={{}} error="kind" />),
    );
    expect(text).toContain(
      "|Le type indiqué dans ce lien ne fait pas partie de la liste. Voici les mouvements les plus récents à la place.|",
    );
    expect(text).toContain("|Aucun mouvement pour l’instant.|");
  });
});
