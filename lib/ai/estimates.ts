// What a feature will hold for a given input, before the user runs it: the same worst case the
// route reserves (exact prompt tokens, images at their real pixel size, max output, both attempts of
// a structured answer), priced by the active pricing version. Pages call it through a session-checked
// server action as the user types or picks a photo; photos are described by their size only.
import { z } from "zod";
import type { DbTx } from "../db/client";
import type { BoundCostEngine } from "../tokens/cost";
import { activityCall, activityInputSchema } from "./activity-analyzer";
import { CHAT_MAX_OUTPUT_TOKENS, CHAT_MODEL, chatMessages, chatRequestSchema } from "./chat";
import { loadConversation } from "./conversation";
import { FRIDGE_MAX_PHOTOS, fridgeCall } from "./fridge-scan-vision";
import { mealCall, mealNoteSchema } from "./meal-analyzer";
import { photoSizeSchema, sizedPhoto } from "./photos";
import { recipeCall, recipeInputSchema } from "./recipe-generator";
import { SCAN_MAX_PHOTOS, scanCall, scanFieldsSchema } from "./scan-estimate";
import { refineCall, refineInputSchema } from "./scan-refine-morphs";
import { estimateStructured } from "./structured";
import { estimateIllustration, illustrationRequestSchema } from "./training-illustration";
import { compressedHoldSeconds } from "./audio-duration";
import { estimateTranscription, MAX_AUDIO_BYTES } from "./transcribe";
import { estimateVoiceCoach, voiceCoachRequestSchema } from "./voice-coach";

export type EstimateResult = { ok: true; millitokens: bigint } | { ok: false; message: string };

const photos = (max: number) => z.array(photoSizeSchema).min(1, "add a photo").max(max, `at most ${max} photos`);

type Estimator = (payload: unknown, context: { db: DbTx; userId: string; engine: BoundCostEngine }) => Promise<bigint> | bigint;

function parsed<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new EstimateInputError(`${issue.path.join(".") || "input"} ${issue.message}`);
  }
  return result.data;
}

class EstimateInputError extends Error {}

const ESTIMATORS: Record<string, Estimator> = {
  chat: async (payload, { db, userId, engine }) => {
    const { message } = parsed(chatRequestSchema, payload);
    return engine.estimateTextCost(CHAT_MODEL, { messages: chatMessages(await loadConversation(db, userId), message), maxOutputTokens: CHAT_MAX_OUTPUT_TOKENS }).worstCase;
  },
  "activity-analyzer": (payload, { engine }) => estimateStructured(engine, activityCall(parsed(activityInputSchema, payload))).worstCase,
  "scan-refine-morphs": (payload, { engine }) => estimateStructured(engine, refineCall(parsed(refineInputSchema, payload))).worstCase,
  "recipe-generator": (payload, { engine }) => estimateStructured(engine, recipeCall(parsed(recipeInputSchema, payload))).worstCase,
  "meal-analyzer": (payload, { engine }) => {
    const input = parsed(z.object({ photos: photos(1), note: mealNoteSchema }), payload);
    return estimateStructured(engine, mealCall({ photo: sizedPhoto(input.photos[0]!), note: input.note })).worstCase;
  },
  "fridge-scan-vision": (payload, { engine }) => {
    const input = parsed(z.object({ photos: photos(FRIDGE_MAX_PHOTOS) }), payload);
    return estimateStructured(engine, fridgeCall({ photos: input.photos.map(sizedPhoto) })).worstCase;
  },
  "scan-estimate": (payload, { engine }) => {
    const input = parsed(scanFieldsSchema.extend({ photos: photos(SCAN_MAX_PHOTOS) }), payload);
    return estimateStructured(engine, scanCall({ ...input, photos: input.photos.map(sizedPhoto) })).worstCase;
  },
};

// The image, transcription and realtime features (their routes hold exactly these).
Object.assign(ESTIMATORS, {
  "generate-training-illustration": (payload, { engine }) =>
    // The description is optional: without it (nothing typed yet), the image alone; with it, the prompt's tokens too.
    estimateIllustration(engine, parsed(illustrationRequestSchema.pick({ size: true, quality: true, description: true }).partial({ description: true }), payload)).worstCase,
  // What the route holds: a PCM WAV's length (as the browser measured it); any other file the longest
  // its size can play (the server never trusts a compressed file's claimed length).
  transcribe: (payload, { engine }) => {
    const input = parsed(
      z.union([
        z.object({ bytes: z.number().int().positive("the voice note is empty").max(MAX_AUDIO_BYTES, "voice notes must be at most 25 MB"), wav: z.literal(false) }),
        z.object({ seconds: z.number().positive("the voice note is empty").max(24 * 3600), wav: z.literal(true).optional() }),
      ]),
      payload,
    );
    const seconds = "bytes" in input ? compressedHoldSeconds(input.bytes) : Math.ceil(input.seconds);
    return estimateTranscription(engine, { seconds }).worstCase;
  },
  "voice-coach-realtime": (payload, { engine }) => estimateVoiceCoach(engine, parsed(voiceCoachRequestSchema, payload)).worstCase,
} satisfies Record<string, Estimator>);

/** The hold `slug` would take for `payload` (the page's current input), or why it cannot be estimated yet. */
export async function estimateFeature(db: DbTx, userId: string, slug: string, payload: unknown, engine: BoundCostEngine): Promise<EstimateResult> {
  const estimator = Object.hasOwn(ESTIMATORS, slug) ? ESTIMATORS[slug] : undefined;
  if (!estimator) return { ok: false, message: `No estimate for "${slug}".` };
  try {
    return { ok: true, millitokens: await estimator(payload, { db, userId, engine }) };
  } catch (error) {
    if (error instanceof EstimateInputError) return { ok: false, message: error.message };
    throw error;
  }
}
