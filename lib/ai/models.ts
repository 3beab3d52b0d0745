// The default model of each AI feature, in one leaf module (no imports) so feature modules and the
// admin's price list can read it without import cycles. Changing a model here changes the route,
// its estimate, its page and its typical cost together. Its keys are exactly the slugs of the
// feature definitions: lib/ai/features/index.ts makes a missing or extra one a type error.
export const FEATURE_MODELS = {
  chat: "gpt-5-mini",
  "activity-analyzer": "gpt-5-mini",
  "meal-analyzer": "gpt-5-mini",
  "scan-estimate": "gpt-5-mini",
  "scan-refine-morphs": "gpt-5-mini",
  "generate-training-illustration": "gpt-image-1",
  "fridge-scan-vision": "gpt-5-mini",
  "recipe-generator": "gpt-5-mini",
  "voice-coach-realtime": "gpt-realtime",
  transcribe: "whisper-1",
} as const;
