// The OpenAI client: the official SDK against OpenAI, or any compatible server (OPENAI_BASE_URL),
// or the loopback simulator the dev and test runners start when no key is configured.
import "server-only";
import OpenAI from "openai";
import { env } from "../env";

let client: OpenAI | undefined;

export function openai(): OpenAI {
  if (!client) {
    const e = env();
    if (!e.OPENAI_API_KEY) {
      throw new Error(
        "OPENAI_API_KEY is not set: set it (and OPENAI_BASE_URL for a compatible server), or run `npm run dev`, which starts the simulator.",
      );
    }
    // No SDK retries: a retry after a timeout is a second call the provider bills that the meter would
    // never see. Each attempt goes through providerCall (lib/ai/attempts.ts), which retries what the
    // provider did not bill and charges the worst case of an attempt that got no answer.
    client = new OpenAI({
      apiKey: e.OPENAI_API_KEY,
      baseURL: e.OPENAI_BASE_URL,
      maxRetries: 0,
      timeout: e.OPENAI_TIMEOUT_MS,
    });
  }
  return client;
}
