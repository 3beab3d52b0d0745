// The AI pages' shared parts in French: the cost estimate and charge in French number formats, the
// errors put in words by their code (not the API's English message), the upload field and the
// generic result panel.
import { describe, expect, it } from "vitest";
import { renderIntl, textOf } from "@/test/support/render-intl";
import { ChargedBadge, CostEstimate } from "./cost-badge";
import { MeteredErrorAlert } from "./error-alert";
import { FeatureHeader } from "./feature-header";
import { ResultPanel } from "./result-panel";
import { RunButton } from "./run-button";
import { ImageUploadField } from "./upload-field";

const NNBSP = "\u202f";
const NBSP = "\u00a0";
const fr = (node: React.ReactNode) => textOf(renderIntl(node));

describe("AI components in French", () => {
  it("shows the estimate and the charge in French formats", () => {
    expect(fr(<CostEstimate estimate={{ ok: true, tokens: 1234.5 }} typicalTokens={1} />)).toContain(
      `|Coût estimé${NBSP}:| |au plus 1${NNBSP}234,5 jetons| · en général environ 1 jeton|`,
    );
    expect(fr(<CostEstimate estimate={{ status: "pending" }} typicalTokens={0.5} />)).toContain(
      "|calcul en cours…| · en général environ 0,5 jeton|",
    );
    expect(fr(<CostEstimate estimate={{ ok: false, message: "description Too small" }} typicalTokens={2} />)).toContain(
      "|indisponible pour cette saisie|",
    );
    expect(fr(<ChargedBadge charged={4.625} remaining={12_345.5} />)).toContain(
      `|Facturé |4,625| jetons|· solde${NBSP}: 12${NNBSP}345,5|`,
    );
  });

  it("puts errors in words by their code, with a link for more tokens on 402", () => {
    const insufficient = fr(
      <MeteredErrorAlert
        error={{ status: 402, error: "insufficient_tokens", message: "", required: 1234.5, available: 2 }}
      />,
    );
    expect(insufficient).toContain(
      `|Jetons insuffisants${NBSP}: cette demande peut nécessiter jusqu’à 1${NNBSP}234,5 jetons et vous en avez 2 de disponibles. |Obtenir plus de jetons|.|`,
    );
    const upstream = fr(
      <MeteredErrorAlert
        error={{ status: 502, error: "upstream_error", message: "provider said 500", charged: 0.5 }}
      />,
    );
    expect(upstream).toContain("|Le fournisseur d’IA n’a pas répondu. Veuillez réessayer.|");
    expect(upstream).toContain(`|Facturé${NBSP}: 0,5 jeton, pour ce que le fournisseur d’IA a facturé.|`);
    expect(upstream).not.toContain("provider said");
    // A code the page does not know keeps the API's message.
    expect(fr(<MeteredErrorAlert error={{ status: 418, error: "teapot", message: "I'm a teapot." }} />)).toContain(
      "I'm a teapot.",
    );
    expect(fr(<MeteredErrorAlert error={{ status: 503, error: "error", message: "" }} />)).toContain(
      "|La demande a échoué (503).|",
    );
  });

  it("translates the header, the run button, the upload field and the result panel's words", () => {
    expect(fr(<FeatureHeader slug="meal-analyzer" model="gpt-4o" />)).toContain(
      `|Analyse de repas|Une photo de votre repas`,
    );
    expect(fr(<FeatureHeader slug="meal-analyzer" model="gpt-4o" />)).toContain(`|Modèle${NBSP}: gpt-4o|`);
    expect(fr(<RunButton running>Envoyer</RunButton>)).toContain("|En cours…|");
    expect(fr(<ImageUploadField label="Photos" max={3} onChange={() => undefined} />)).toContain(
      `|JPEG, PNG, WebP ou GIF, jusqu’à 10${NBSP}Mo chacune, 3 au plus.|`,
    );
    expect(fr(<ImageUploadField label="Photo" onChange={() => undefined} />)).toContain(
      `|JPEG, PNG, WebP ou GIF, jusqu’à 10${NBSP}Mo.|`,
    );
    expect(fr(<ResultPanel title="Résultat" data={{ vegan: true, salty: false, foods: [] }} />)).toContain(
      "|Vegan|oui|Salty|non|Foods|aucun|",
    );
  });
});
