// The snapshot an alias points at, as OpenAI answers it: a chat completion (and each of its stream
// chunks) names the dated snapshot that served it in `model` ("gpt-5-mini" → "gpt-5-mini-2025-08-07"),
// not the alias the request named. The product prices the response's `model`, so answering with
// snapshots is what tests that path. Figures from OpenAI's model pages (the snapshot each alias
// points at), kept here, by hand: a simulator never reads the product's price data.
const SNAPSHOT_OF: Readonly<Record<string, string>> = {
  "gpt-5": "gpt-5-2025-08-07",
  "gpt-5-mini": "gpt-5-mini-2025-08-07",
  "gpt-5-nano": "gpt-5-nano-2025-08-07",
  "gpt-5.1": "gpt-5.1-2025-11-13",
  "gpt-5.2": "gpt-5.2-2025-12-11",
  "gpt-4.1": "gpt-4.1-2025-04-14",
  "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
  "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14",
  "gpt-4o": "gpt-4o-2024-08-06",
  "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
  o3: "o3-2025-04-16",
  "o4-mini": "o4-mini-2025-04-16",
};

/** The `model` OpenAI answers for a requested model: its snapshot, or the id itself (already a snapshot, or unknown here). */
export function servedModel(requested: string): string {
  return Object.hasOwn(SNAPSHOT_OF, requested) ? SNAPSHOT_OF[requested]! : requested;
}
