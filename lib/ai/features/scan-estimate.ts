// Body scan: front/side (/back) photos and the user's height → estimated body measurements.
// multipart { photo (1–3), heightCm, sex? } → { scan, attempts, tokens }, metered.
import { z } from "zod";
import { structuredFeature } from "../structured-feature";
import { maxUploadBodyBytes } from "../uploads";
import { BadRequestError } from "../../tokens/metering/with-tokens";
import { FEATURE_MODELS } from "../models";
import {
  formField,
  photosFromForm,
  photoSizesSchema,
  readForm,
  sizedPhoto,
  typicalPhotos,
  type Photo,
} from "../photos";
import type { StructuredCall } from "../structured";

export const SCAN_MODEL = FEATURE_MODELS["scan-estimate"];
export const SCAN_MAX_OUTPUT_TOKENS = 1_500;
export const SCAN_MAX_PHOTOS = 3;

export const scanFieldsSchema = z.object({
  heightCm: z.coerce.number().min(100, "must be at least 100 cm").max(250, "must be at most 250 cm"),
  sex: z.enum(["female", "male", "unspecified"]).default("unspecified"),
});

export interface ScanInput extends z.infer<typeof scanFieldsSchema> {
  photos: Photo[];
}

/** The multipart form of a body scan: `photo` (one to three images), `heightCm`, optional `sex`. */
export async function parseScanForm(request: Request, body: Buffer): Promise<ScanInput> {
  const form = await readForm(request, body);
  const heightCm = formField(form, "heightCm", scanFieldsSchema.shape.heightCm.optional());
  if (heightCm === undefined) throw new BadRequestError('Give your height in cm (field "heightCm").');
  const sex = formField(form, "sex", scanFieldsSchema.shape.sex);
  const photos = await photosFromForm(form, "photo", { min: 1, max: SCAN_MAX_PHOTOS, label: "body photo" });
  return { heightCm, sex, photos };
}

const cm = (min: number, max: number) => z.number().min(min).max(max);

export const measurementsSchema = z.object({
  neckCm: cm(20, 70),
  shouldersCm: cm(70, 180),
  chestCm: cm(60, 180),
  waistCm: cm(45, 180),
  hipsCm: cm(60, 180),
  thighCm: cm(30, 100),
  upperArmCm: cm(15, 70),
  bodyFatPercent: z.number().min(3).max(60),
});
export type Measurements = z.infer<typeof measurementsSchema>;

export const scanOutputSchema = z.object({
  measurements: measurementsSchema,
  bodyType: z.enum(["ectomorph", "mesomorph", "endomorph", "balanced"]),
  confidence: z.enum(["low", "medium", "high"]),
  notes: z.array(z.string().min(1).max(200)).max(4),
});
export type ScanEstimate = z.infer<typeof scanOutputSchema>;

const SYSTEM = [
  "You are the TwinForge body-scan assistant. From full-body photos and the person's height, estimate their",
  "circumferences in centimetres and body-fat percentage. Scale everything by the given height. Be conservative,",
  "state your confidence, and note what would improve the estimate (lighting, pose, tight clothing).",
].join(" ");

export function scanCall(input: ScanInput): StructuredCall<ScanEstimate> {
  return {
    model: SCAN_MODEL,
    name: "body_scan_estimate",
    schema: scanOutputSchema,
    system: SYSTEM,
    user: `Height: ${input.heightCm} cm. Sex: ${input.sex}. ${input.photos.length} photo(s) follow (front first).`,
    images: input.photos,
    maxOutputTokens: SCAN_MAX_OUTPUT_TOKENS,
  };
}

export const scanEstimate = structuredFeature({
  slug: "scan-estimate",
  model: SCAN_MODEL,
  parse: parseScanForm,
  pageInput: scanFieldsSchema
    .extend({ photos: photoSizesSchema(SCAN_MAX_PHOTOS) })
    .transform((fields): ScanInput => ({ ...fields, photos: fields.photos.map(sizedPhoto) })),
  maxBodyBytes: maxUploadBodyBytes(SCAN_MAX_PHOTOS),
  call: scanCall,
  resultKey: "scan",
  page: {
    title: "Body scan",
    description: "Front and side photos: estimated body measurements.",
    kind: "vision",
    typicalRequest: "two 1024×768 body photos",
    typical: { input: { heightCm: 175, sex: "unspecified", photos: typicalPhotos(2) }, outputTokens: 600 },
  },
});
