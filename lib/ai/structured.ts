// One helper for every structured AI call (structured text and vision features): the answer is
// constrained with `response_format: json_schema` (zod → JSON Schema), parsed and validated with the
// same zod schema, and an answer that fails — not JSON, not matching, a refusal, cut off — is asked
// for once more. Each attempt's usage is recorded on the meter as the provider reported it, so the
// user pays exactly what was billed for both attempts; a second failure is an UnusableAnswerError
// (502 with a clear message) and nothing else is charged.
//
// The worst case held before the call covers both attempts: 2 × (exact input tokens + the images'
// tokens + the JSON schema the provider adds to the prompt + max output tokens).
import type OpenAI from "openai";
import { z } from "zod";
import { costEngine, type BoundCostEngine, type ChatMessage, type ImageInput, type Usage } from "../tokens/cost";
import type { Meter } from "../tokens/metering/meter";
import { UnusableAnswerError, type Estimate } from "../tokens/metering/with-tokens";
import { isUnanswered, providerCall } from "./attempts";
import { openai } from "./client";
import { recordCompletion, recordOpenAIUsage } from "./openai-usage";

/** A structured answer is asked for at most this many times. */
export const STRUCTURED_ATTEMPTS = 2;

export interface PromptImage extends Required<Pick<ImageInput, "width" | "height">> {
  /** data: URL (or https URL) of the image. */
  url: string;
}

export interface StructuredCall<T> {
  model: string;
  /** The response format's name (a-z, 0-9, _ and -). */
  name: string;
  schema: z.ZodType<T>;
  system: string;
  /** The user's message text (the images follow it in the same message). */
  user: string;
  images?: readonly PromptImage[];
  maxOutputTokens: number;
  /** For reasoning models: structured extraction needs little reasoning (default "low"). */
  reasoningEffort?: "minimal" | "low" | "medium" | "high";
}

/** The JSON Schema sent as `response_format` (zod 4's own conversion, without the `$schema` tag). */
export function responseJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "output" }) as Record<
    string,
    unknown
  >;
  void _drop;
  return rest;
}

/** The text messages of the call, as the tokenizer counts them (images are counted separately). */
export function structuredTextMessages(call: Pick<StructuredCall<unknown>, "system" | "user">): ChatMessage[] {
  return [
    { role: "system", content: call.system },
    { role: "user", content: call.user },
  ];
}

/** The messages sent to the model: the instructions, then the user's text followed by the images. */
export function structuredMessages(
  call: StructuredCall<unknown>,
): OpenAI.Chat.Completions.ChatCompletionMessageParam[] {
  const images = call.images ?? [];
  return [
    { role: "system", content: call.system },
    images.length === 0
      ? { role: "user", content: call.user }
      : {
          role: "user",
          content: [
            { type: "text", text: call.user },
            ...images.map((image) => ({
              type: "image_url" as const,
              image_url: { url: image.url, detail: "auto" as const },
            })),
          ],
        },
  ];
}

/** Worst case of one attempt: exact input (text, schema, images at their real size) + max output. */
export function estimateAttempt(engine: BoundCostEngine, call: StructuredCall<unknown>) {
  return engine.estimateTextCost(call.model, {
    // The provider puts the schema into the prompt: counted as a message of its own (an upper bound).
    messages: [
      ...structuredTextMessages(call),
      { role: "system", content: JSON.stringify(responseJsonSchema(call.schema)) },
    ],
    images: (call.images ?? []).map(({ width, height }) => ({ width, height, detail: "auto" as const })),
    maxOutputTokens: call.maxOutputTokens,
  });
}

/** The hold of a structured request: both attempts' worst case. */
export function estimateStructured(engine: BoundCostEngine, call: StructuredCall<unknown>): Estimate {
  const attempt = estimateAttempt(engine, call);
  return { model: call.model, worstCase: attempt.worstCase * BigInt(STRUCTURED_ATTEMPTS) };
}

type Completion = OpenAI.Chat.Completions.ChatCompletion;

/** Why an answer cannot be used, or null when it can (then `value` is set). */
function check<T>(completion: Completion, schema: z.ZodType<T>): { value: T } | { problem: string } {
  const choice = completion.choices[0];
  if (!choice) return { problem: "the answer had no choices" };
  if (choice.message.refusal) return { problem: `the model refused: ${choice.message.refusal}` };
  if (choice.finish_reason === "length") return { problem: "the answer was cut off at the output limit" };
  const content = choice.message.content;
  if (!content) return { problem: "the answer was empty" };
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return { problem: "the answer was not valid JSON" };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    return {
      problem: `the answer did not match the schema (${parsed.error.issues
        .map((i) => `${i.path.join(".") || "answer"}: ${i.message}`)
        .slice(0, 3)
        .join("; ")})`,
    };
  }
  return { value: parsed.data };
}

export interface StructuredResult<T> {
  value: T;
  /** 1, or 2 when the first answer was unusable. */
  attempts: number;
}

/**
 * Calls the model for a structured answer and returns it validated. Records every attempt's usage on
 * `meter` before looking at the answer, so a throw after a billed call still charges it.
 * Throws UnusableAnswerError after STRUCTURED_ATTEMPTS unusable answers.
 */
export async function structuredCompletion<T>(
  meter: Meter<Usage>,
  call: StructuredCall<T>,
  signal?: AbortSignal,
): Promise<StructuredResult<T>> {
  const request = {
    model: call.model,
    messages: structuredMessages(call as StructuredCall<unknown>),
    max_completion_tokens: call.maxOutputTokens,
    reasoning_effort: call.reasoningEffort ?? "low",
    response_format: {
      type: "json_schema" as const,
      json_schema: { name: call.name, schema: responseJsonSchema(call.schema), strict: true },
    },
  };
  const problems: string[] = [];
  for (let attempt = 1; attempt <= STRUCTURED_ATTEMPTS; attempt++) {
    let response: Completion;
    try {
      response = await providerCall(() => openai().chat.completions.create(request, { signal }), {
        signal,
        // No answer: the provider may have run the whole attempt, so its worst case is charged (the
        // hold covers every attempt's worst case). The next attempt, if any is left, is made.
        onUnanswered: () => recordOpenAIUsage(meter, call.model, unansweredUsage(call)),
      });
    } catch (error) {
      if (isUnanswered(error) && attempt < STRUCTURED_ATTEMPTS) {
        problems.push("the provider did not answer in time");
        continue;
      }
      throw error;
    }
    const completion = recordCompletion(meter, response);
    const result = check(completion, call.schema);
    if ("value" in result) return { value: result.value, attempts: attempt };
    problems.push(result.problem);
  }
  throw new UnusableAnswerError(
    `The AI could not give a usable answer (${problems.join("; then ")}). You were charged only what the provider billed for the ${STRUCTURED_ATTEMPTS} attempts; please try again.`,
  );
}

/** The usage an unanswered attempt is charged: its exact input tokens and every output token it may have made. */
function unansweredUsage(call: StructuredCall<unknown>) {
  return { prompt_tokens: estimateAttempt(costEngine(), call).inputTokens, completion_tokens: call.maxOutputTokens };
}

/**
 * The exact cost of a typical attempt: the call's real prompt (text, schema and images) and an
 * answer of `outputTokens` (reasoning included), priced by `engine`. For the registry's typical cost.
 */
export function typicalStructuredCost(
  engine: BoundCostEngine,
  call: StructuredCall<unknown>,
  outputTokens: number,
): bigint {
  const { inputTokens } = estimateAttempt(engine, call);
  return engine.costOf(call.model, engine.textUsage({ inputTokens, outputTokens }));
}
