// Loopback OpenAI-compatible simulator for development and tests (never production): see README.md.
export { startOpenAISimulator } from "./server";
export type { OpenAISimulator, OpenAISimulatorOptions, RecordedRequest, SimulatorFault } from "./server";
export { FAULTS } from "./http";
export { sampleFromJsonSchema } from "./json-schema-sample";
export { parseWav, audioDurationSeconds } from "./audio";
export { renderPng } from "./images";
