// The OpenAI client: the official SDK against OpenAI, or any compatible server (OPENAI_BASE_URL),
// or the loopback simulator the dev and test runners start when no key is configured.
import OpenAI from "openai";
import { env } from "../env";

let client: OpenAI | undefined;

export function openai(): OpenAI {
  if (!client) {
    const e = env();
    if (!e.OPENAI_API_KEY) {
      throw new Error("OPENAI_API_KEY is not set: set it (and OPENAI_BASE_URL for a compatible server), or run `npm run dev`, which starts the simulator.");
    }
    client = new OpenAI({ apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL, maxRetries: 1, timeout: 120_000 });
  }
  return client;
}
