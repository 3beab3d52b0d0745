// Exact token counts with gpt-tokenizer, in the encoding of the model: o200k_base for the gpt-4o,
// gpt-4.1, gpt-5, o-series and realtime families; cl100k_base for gpt-4, gpt-4-turbo and
// gpt-3.5-turbo. The model → encoding map is gpt-tokenizer's own (exact id, then the base id of a
// dated snapshot); a model it does not know uses o200k_base, the encoding of every current
// OpenAI model (gpt-tokenizer's own default).
//
// Text is counted as the API receives it: a user's "<|endoftext|>" is ordinary text to the
// provider, so special-token strings are encoded as text, never refused and never as one token.
import cl100k from "gpt-tokenizer/encoding/cl100k_base";
import o200k from "gpt-tokenizer/encoding/o200k_base";
import {
  chatModelParams,
  modelToEncodingMap,
  type ChatModelName,
  type EncodingName,
  type ModelName,
} from "gpt-tokenizer/mapping";
import { EstimateError } from "./errors";
import { candidateIds } from "./resolve";

type Encoding = typeof o200k;

const ENCODINGS: Partial<Record<EncodingName, Encoding>> = { o200k_base: o200k, cl100k_base: cl100k };

/** Special-token strings in user text are plain text (as the API treats them). */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

/** A chat message as sent to a chat/responses model (text content; images go in `images`). */
export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content: string;
}

/** The encoding gpt-tokenizer assigns to a model (exact id, then base id), default o200k_base. */
export function encodingNameFor(model: string): EncodingName {
  for (const id of candidateIds(model)) {
    const name = (modelToEncodingMap as Record<string, EncodingName | undefined>)[id];
    if (name) return name;
  }
  return "o200k_base";
}

function encodingFor(model: string): Encoding {
  const name = encodingNameFor(model);
  const encoding = ENCODINGS[name];
  if (!encoding)
    throw new EstimateError(
      model,
      `its tokenizer encoding ${name} is not loaded (only o200k_base and cl100k_base are)`,
    );
  return encoding;
}

/** Exact number of tokens of plain text in the model's encoding (no chat framing). */
export function countTokens(model: string, text: string): number {
  if (text.length === 0) return 0;
  return encodingFor(model).countTokens(text, AS_TEXT);
}

/**
 * The chat-format parameters to count with: the model's own when gpt-tokenizer lists it as a chat
 * model, else those of a listed model of the same encoding and family (the formats differ only
 * between gpt-3.5 and everything later).
 */
function chatModelFor(model: string): ChatModelName {
  for (const id of candidateIds(model)) {
    if (Object.hasOwn(chatModelParams, id)) return id as ChatModelName;
  }
  if (encodingNameFor(model) === "cl100k_base") return model.startsWith("gpt-3.5") ? "gpt-3.5-turbo" : "gpt-4";
  return "gpt-4o";
}

/**
 * Exact prompt tokens of a chat, framing included (per message <|im_start|>role<|im_sep|>content
 * <|im_end|>, plus the <|im_start|>assistant<|im_sep|> reply primer: OpenAI's documented 3 tokens per
 * message + 3 per reply), counted with gpt-tokenizer's encodeChat.
 */
export function countChatTokens(model: string, messages: readonly ChatMessage[]): number {
  const encoding = encodingFor(model);
  const chat = messages.map(({ role, content }) => ({ role, content }));
  return encoding.encodeChat(chat, chatModelFor(model) as ModelName, AS_TEXT).length;
}
