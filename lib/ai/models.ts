// The default model of each AI feature, in one leaf module (no imports) so feature modules, the
// registry and the simulator can all read it without import cycles. Changing a model here changes
// the route, its estimate, its page and its typical cost together.
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

export type FeatureSlug = keyof typeof FEATURE_MODELS;
