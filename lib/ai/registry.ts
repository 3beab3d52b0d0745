// The registry of Tollgate's AI features: what each one is, the model it calls by default, where its
// route and page live, and what a typical request costs. The sidebar, the feature pages and the
// docs read it; each route handler uses the same model through lib/ai/models.ts.
//
// "Typical cost" is computed, never typed in: the cost engine prices a typical request of the
// feature (its real prompt with a typical input, for text and vision a typical answer length) with
// the pricing version's prices, so an admin price override moves it too. It is what a user should
// expect to pay, not the worst case held before a call (the page shows that one for the actual input).
import { costEngine, countChatTokens, imageInputTokens, textUsage, type BoundCostEngine, type ChatMessage, type ImageInput } from "../tokens/cost";
import { activityCall, TYPICAL_ACTIVITY } from "./activity-analyzer";
import { chatMessages } from "./chat";
import { fridgeCall, TYPICAL_FRIDGE } from "./fridge-scan-vision";
import { mealCall, TYPICAL_MEAL } from "./meal-analyzer";
import { FEATURE_MODELS, type FeatureSlug } from "./models";
import { sizedPhoto } from "./photos";
import { recipeCall, TYPICAL_RECIPE } from "./recipe-generator";
import { scanCall, TYPICAL_SCAN } from "./scan-estimate";
import { refineCall, TYPICAL_REFINE } from "./scan-refine-morphs";
import { typicalStructuredCost } from "./structured";

export type { FeatureSlug } from "./models";

export type FeatureKind = "chat-stream" | "structured" | "vision" | "image" | "transcription" | "realtime";

export interface AiFeature {
  slug: FeatureSlug;
  title: string;
  /** One sentence for the sidebar and the page header. */
  description: string;
  kind: FeatureKind;
  /** The default model (lib/ai/models.ts). */
  model: string;
  /** The metered route handler. */
  routePath: string;
  /** The page where a signed-in user runs it. */
  pagePath: string;
  /** What the typical request is, in words (shown next to the typical cost). */
  typicalRequest: string;
  /** Millitokens (= µ$) of a typical request, priced by `engine` (default: list prices). */
  typicalCost(engine?: BoundCostEngine): bigint;
}

/** A typical text or vision call: its prompt, its images and the answer length it usually gets. */
export interface TypicalTextCall {
  messages: readonly ChatMessage[];
  images?: readonly ImageInput[];
  /** Output tokens of a typical answer, reasoning included. */
  outputTokens: number;
}

let listPrices: BoundCostEngine | null = null;
const defaultEngine = () => (listPrices ??= costEngine());

/** The exact cost of a text/vision call with the typical call's input and output counts. */
export function typicalTextCost(engine: BoundCostEngine, model: string, call: TypicalTextCall): bigint {
  const inputTokens =
    countChatTokens(model, call.messages) + (call.images ?? []).reduce((sum, image) => sum + imageInputTokens(model, image), 0);
  return engine.costOf(model, textUsage({ inputTokens, outputTokens: call.outputTokens }));
}

/** A typical photo: 1024×768 pixels. */
export const TYPICAL_PHOTO = { width: 1024, height: 768 } as const;
const typicalPhoto = () => sizedPhoto(TYPICAL_PHOTO);

type Entry = Omit<AiFeature, "slug" | "model" | "routePath" | "pagePath" | "typicalCost"> & {
  typical(engine: BoundCostEngine, model: string): bigint;
};

const ENTRIES: Record<FeatureSlug, Entry> = {
  chat: {
    title: "Coach chat",
    description: "Talk with your coach; the conversation is kept for you.",
    kind: "chat-stream",
    typicalRequest: "a question in a short conversation, a reply of about 300 tokens",
    typical: (engine, model) =>
      typicalTextCost(engine, model, {
        messages: chatMessages(
          [
            { role: "user", content: "I want to get stronger at squats; I train three times a week." },
            { role: "assistant", content: "Great goal. Keep three sessions, add weight slowly and sleep well. What do you lift now?" },
          ],
          "How should I warm up before heavy squats?",
        ),
        outputTokens: 600,
      }),
  },
  "activity-analyzer": {
    title: "Activity analyzer",
    description: "Describe a workout in your words: calories, intensity and advice.",
    kind: "structured",
    typicalRequest: "a two-sentence activity log",
    typical: (engine) => typicalStructuredCost(engine, activityCall(TYPICAL_ACTIVITY.input), TYPICAL_ACTIVITY.outputTokens),
  },
  "meal-analyzer": {
    title: "Meal analyzer",
    description: "A photo of your meal: foods, portions and macros.",
    kind: "vision",
    typicalRequest: "one 1024×768 meal photo",
    typical: (engine) => typicalStructuredCost(engine, mealCall({ photo: typicalPhoto() }), TYPICAL_MEAL.outputTokens),
  },
  "scan-estimate": {
    title: "Body scan",
    description: "Front and side photos: estimated body measurements.",
    kind: "vision",
    typicalRequest: "two 1024×768 body photos",
    typical: (engine) =>
      typicalStructuredCost(
        engine,
        scanCall({ heightCm: TYPICAL_SCAN.heightCm, sex: TYPICAL_SCAN.sex, photos: Array.from({ length: TYPICAL_SCAN.photos }, typicalPhoto) }),
        TYPICAL_SCAN.outputTokens,
      ),
  },
  "scan-refine-morphs": {
    title: "Refine body shape",
    description: "Correct your measurements: refined body-shape parameters.",
    kind: "structured",
    typicalRequest: "a scan's measurements with two corrections",
    typical: (engine) => typicalStructuredCost(engine, refineCall(TYPICAL_REFINE.input), TYPICAL_REFINE.outputTokens),
  },
  "generate-training-illustration": {
    title: "Exercise illustration",
    description: "Describe an exercise: an illustration of it.",
    kind: "image",
    typicalRequest: "one 1024×1024 image at medium quality",
    typical: (engine, model) => engine.estimateImageCost(model, { count: 1, size: "1024x1024", quality: "medium" }).worstCase,
  },
  "fridge-scan-vision": {
    title: "Fridge scan",
    description: "A photo of your fridge: the ingredients in it.",
    kind: "vision",
    typicalRequest: "one 1024×768 fridge photo",
    typical: (engine) => typicalStructuredCost(engine, fridgeCall({ photos: Array.from({ length: TYPICAL_FRIDGE.photos }, typicalPhoto) }), TYPICAL_FRIDGE.outputTokens),
  },
  "recipe-generator": {
    title: "Recipe generator",
    description: "Your ingredients and goals: recipes that fit them.",
    kind: "structured",
    typicalRequest: "ten ingredients and a protein goal, three recipes",
    typical: (engine) => typicalStructuredCost(engine, recipeCall(TYPICAL_RECIPE.input), TYPICAL_RECIPE.outputTokens),
  },
  "voice-coach-realtime": {
    title: "Voice coach",
    description: "Talk with your coach in real time.",
    kind: "realtime",
    typicalRequest: "a two-minute voice session",
    typical: (engine, model) =>
      engine.costOf(model, {
        kind: "realtime",
        textInputTokens: 2_000,
        textOutputTokens: 300,
        audioInputTokens: 1_200,
        audioOutputTokens: 1_200,
      }),
  },
  transcribe: {
    title: "Transcribe",
    description: "A voice note: its text.",
    kind: "transcription",
    typicalRequest: "a one-minute voice note",
    typical: (engine, model) => engine.estimateTranscriptionCost(model, { seconds: 60 }).worstCase,
  },
};

function build(slug: FeatureSlug, entry: Entry): AiFeature {
  const { typical, ...rest } = entry;
  const model = FEATURE_MODELS[slug];
  return {
    slug,
    model,
    routePath: `/api/ai/${slug}`,
    pagePath: `/ai/${slug}`,
    ...rest,
    typicalCost: (engine = defaultEngine()) => typical(engine, model),
  };
}

/** Every feature, in the order the sidebar lists them. */
export const AI_FEATURES: readonly AiFeature[] = (Object.keys(ENTRIES) as FeatureSlug[]).map((slug) => build(slug, ENTRIES[slug]));

const BY_SLUG = new Map(AI_FEATURES.map((feature) => [feature.slug, feature]));

export function aiFeature(slug: FeatureSlug): AiFeature {
  return BY_SLUG.get(slug)!;
}

export function isFeatureSlug(value: string): value is FeatureSlug {
  return BY_SLUG.has(value as FeatureSlug);
}
