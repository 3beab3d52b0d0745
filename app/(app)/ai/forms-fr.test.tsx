// Every AI page's form rendered in French: labels, options, hints and buttons come from the
// catalogue (no English left), with French number formats in the cost estimate.
import { describe, expect, it, vi } from "vitest";
import { renderIntl, textOf } from "@/test/support/render-intl";
import { ActivityForm } from "./activity-analyzer/form";
import { ChatView } from "./chat/chat-view";
import { FridgeForm } from "./fridge-scan-vision/form";
import { IllustrationForm } from "./generate-training-illustration/form";
import { MealForm } from "./meal-analyzer/form";
import { RecipeForm } from "./recipe-generator/form";
import { ScanForm } from "./scan-estimate/form";
import { RefineForm } from "./scan-refine-morphs/form";
import { TranscribeForm } from "./transcribe/form";
import { VoiceCoach } from "./voice-coach-realtime/form";

vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh: () => undefined }) }));
vi.mock("./actions", () => ({
  estimateAction: async () => ({ ok: true, tokens: 1 }),
  clearConversationAction: vi.fn(),
}));

const NNBSP = "\u202f";
const NBSP = "\u00a0";
const props = { routePath: "/api/ai/x", typicalTokens: 1234.5 };
const fr = (node: React.ReactNode) => textOf(renderIntl(node));

describe("AI forms in French", () => {
  it.each([
    [
      "meal",
      <MealForm key="m" {...props} />,
      ["|Photo du repas|", "|Remarque (facultatif)|", "|Analyser le repas|", "choisissez une photo pour le voir"],
    ],
    [
      "activity",
      <ActivityForm key="a" {...props} />,
      [`|Qu’avez-vous fait${NBSP}?|`, "|Poids en kg (facultatif)|", "|Analyser l’activité|"],
    ],
    ["fridge", <FridgeForm key="f" {...props} />, ["|Photos du frigo|", "|Scanner le frigo|", "3 au plus"]],
    [
      "scan",
      <ScanForm key="s" {...props} />,
      ["|Taille (cm)|", "|Je préfère ne pas le dire|Femme|Homme|", "|Estimer les mensurations|"],
    ],
    [
      "refine",
      <RefineForm key="r" {...props} />,
      ["|Tour de cou (cm), valeur scannée|", "|Masse grasse (%), valeur corrigée|", "|Affiner la silhouette|"],
    ],
    [
      "recipe",
      <RecipeForm key="c" {...props} />,
      ["|Prendre du muscle|Perdre du gras|Maintenir|Performance|", "|Portions|", "|Générer des recettes|"],
    ],
    [
      "illustration",
      <IllustrationForm key="i" {...props} />,
      ["|Exercice|", "|Format|", "|Qualité|", "|Générer l’illustration|"],
    ],
    [
      "transcribe",
      <TranscribeForm key="t" {...props} />,
      [
        "|Note vocale|",
        `jusqu’à 25${NBSP}Mo. Facturé à la seconde d’audio.|`,
        "|Langue (facultatif, deux lettres)|",
        "|Transcrire|",
      ],
    ],
    [
      "voice",
      <VoiceCoach key="v" {...props} />,
      ["|Durée maximale|", "|10 secondes|", "|2 minutes|", "|Démarrer la session vocale|"],
    ],
    [
      "chat",
      <ChatView key="h" {...props} initialMessages={[]} />,
      ["|Votre message|", "|Aucun message pour l’instant.", "|Envoyer|", "|Effacer la conversation|"],
    ],
  ] as const)("%s", (_name, node, expected) => {
    const text = fr(node);
    for (const part of expected) expect(text).toContain(part);
    expect(text).toContain(`|Coût estimé${NBSP}:|`);
    expect(text).toContain(`en général environ 1${NNBSP}234,5 jetons|`);
  });

  it("labels the chat's messages in French", () => {
    const text = fr(
      <ChatView
        {...props}
        initialMessages={[
          { id: "1", role: "user", content: "Bonjour" },
          { id: "2", role: "assistant", content: "Salut" },
        ]}
      />,
    );
    expect(text).toContain(`|Vous${NBSP}: |Bonjour|`);
    expect(text).toContain(`|Coach${NBSP}: |Salut|`);
  });
});
