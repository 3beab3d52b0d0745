// The history rows in French: the same rows as describe.test.ts, in the catalogue's French words and
// French number formats (U+202F groups thousands, a decimal comma).
import { createTranslator } from "use-intl/core";
import { describe, expect, it } from "vitest";
import fr from "../../messages/fr.json";
import type { LedgerRow } from "../tokens/ledger";
import { describeRow, type HistoryWords } from "./describe";
import { defaultPlans, ledgerRow } from "@/test/history/fixtures";

const words = { t: createTranslator({ locale: "fr", messages: fr }), locale: "fr" } as unknown as HistoryWords;
const text = (r: Partial<LedgerRow>) => describeRow(ledgerRow(r), defaultPlans, words).text;
const NNBSP = "\u202f";

describe("describeRow in French", () => {
  it("names the feature, the model, the counts and the signed amount in French formats", () => {
    expect(
      describeRow(
        ledgerRow({
          kind: "consume",
          feature: "meal-analyzer",
          allowanceDelta: -1_234_500n,
          shortfall: 1_000n,
          usage: { model: "gpt-4o", inputTokens: 12_345, outputTokens: 210, calls: 2 },
        }),
        defaultPlans,
        words,
      ),
    ).toEqual({
      title: "Analyse de repas",
      details: ["gpt-4o", "2 appels", `12${NNBSP}345 en entrée / 210 en sortie`, "part non couverte\u00a0: 1 jeton"],
      amount: `−1${NNBSP}235 jetons`,
      text: `Analyse de repas · gpt-4o · 2 appels · 12${NNBSP}345 en entrée / 210 en sortie · part non couverte\u00a0: 1 jeton · −1${NNBSP}235 jetons`,
    });
    expect(text({ feature: "transcribe", allowanceDelta: -4_600n, usage: { model: "whisper-1", seconds: 61.2 } })).toBe(
      "Transcription · whisper-1 · 62 s d’audio · −4,6 jetons",
    );
    expect(text({ feature: null, allowanceDelta: -20n })).toBe("Utilisation de l’IA · −<0,1 jeton");
  });

  it("describes grants, clawbacks and adjustments, with billing's recorded reasons in French", () => {
    expect(text({ kind: "grant_allowance", allowanceDelta: 3_000_000n })).toBe(
      `Allocation de la formule Pro · +3${NNBSP}000 jetons`,
    );
    expect(text({ kind: "grant_allowance", allowanceDelta: 2_000_000n, reason: "upgrade to Elite" })).toBe(
      `Passage à la formule Elite\u00a0: allocation supplémentaire · +2${NNBSP}000 jetons`,
    );
    expect(text({ kind: "grant_pack", purchasedDelta: 2_000_000n, reason: "Starter pack" })).toBe(
      `Pack Starter · +2${NNBSP}000 jetons`,
    );
    expect(text({ kind: "grant_free", allowanceDelta: 100_000n })).toBe("Jetons gratuits du mois · +100 jetons");
    expect(
      text({
        kind: "clawback",
        purchasedDelta: -1_500_000n,
        shortfall: 500_000n,
        reason: "subscription payment disputed",
      }),
    ).toBe(
      `Reprise après remboursement · paiement de l’abonnement contesté · part non reprise\u00a0: 500 jetons · −1${NNBSP}500 jetons`,
    );
    expect(
      text({ kind: "grant_allowance", allowanceDelta: 2_000_000n, reason: "Dispute won: allowance given back" }),
    ).toBe(`Litige gagné\u00a0: allocation rendue · +2${NNBSP}000 jetons`);
    // An admin's reason is shown as written.
    expect(text({ kind: "adjustment", purchasedDelta: 50_000n, reason: "goodwill" })).toBe(
      "Ajustement par l’administration\u00a0: goodwill · +50 jetons",
    );
    expect(text({ kind: "refund", purchasedDelta: 1_000n })).toBe("Remboursement · +1 jeton");
  });
});
