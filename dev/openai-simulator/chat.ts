// POST /v1/chat/completions: request validation, deterministic answers, usage, SSE streaming.
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { imageSize } from "image-size";
import { audioDurationSeconds } from "./audio";
import {
  baseHeaders,
  dropConnection,
  invalidRequest,
  isRecord,
  sendJson,
  sleep,
  write,
  type ResponseContext,
} from "./http";
import { sampleFromJsonSchema } from "./json-schema-sample";
import { sha256Hex } from "./rng";
import { servedModel } from "./snapshots";
import { coachReply, jsonObjectReply } from "./text";
import { imageTokens } from "./vision";
import {
  billsCacheWrites,
  encodingForModel,
  isReasoningModel,
  plannedReasoningTokens,
  tokenizePrompt,
  type ModelEncoding,
  type PromptMessage,
  type PromptPart,
  type PromptPrefixCache,
} from "./tokens";

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** `cache_write_tokens` only for a model that bills cache writes (billsCacheWrites). */
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number; cache_write_tokens?: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

export interface ChatOptions {
  cache: PromptPrefixCache;
  tokensPerSecond?: number;
}

const ROLES = ["system", "developer", "user", "assistant", "tool", "function"];

type ResponseFormat =
  { kind: "text" } | { kind: "json_object" } | { kind: "json_schema"; name: string; schema: unknown };

interface ToolCallPlan {
  id: string;
  name: string;
  arguments: string;
}

/** One choice's output after limits: visible tokens, reasoning tokens, finish reason. */
interface ChoicePlan {
  index: number;
  finishReason: "stop" | "length" | "tool_calls";
  content: string | null;
  /** Visible text pieces in stream order (one per token). */
  pieces: string[];
  toolCall: ToolCallPlan | null;
  reasoningTokens: number;
  completionTokens: number;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((p): p is { type: "text"; text: string } => isRecord(p) && p.type === "text" && typeof p.text === "string")
    .map((p) => p.text)
    .join("\n");
}

/**
 * Input tokens of an image sent as a data: URL, by OpenAI's documented vision rules for the model
 * (tiles or patches from the real pixel size, ./vision.ts), so the usage grows with the image as the
 * API's does. Null when the size or the model's rule is unknown.
 */
function visionTokens(model: string, url: string, detail: string): number | null {
  const match = /^data:image\/[a-z0-9.+-]+;base64,/i.exec(url);
  if (!match) return null;
  try {
    const { width, height } = imageSize(Buffer.from(url.slice(match[0].length), "base64"));
    if (!width || !height) return null;
    return imageTokens(model, width, height, detail === "low" || detail === "high" ? detail : "auto");
  } catch {
    return null;
  }
}

function toPromptMessages(messages: readonly Record<string, unknown>[], model: string): PromptMessage[] {
  return messages.map((m, i) => {
    const parts: PromptPart[] = [];
    const content = m.content;
    if (typeof content === "string") parts.push({ kind: "text", text: content });
    else if (Array.isArray(content)) {
      content.forEach((part, j) => {
        if (!isRecord(part))
          throw invalidRequest(`Invalid content part at messages[${i}].content[${j}].`, `messages[${i}].content[${j}]`);
        if (part.type === "text" && typeof part.text === "string") parts.push({ kind: "text", text: part.text });
        else if (part.type === "refusal" && typeof part.refusal === "string")
          parts.push({ kind: "text", text: part.refusal });
        else if (part.type === "image_url" && isRecord(part.image_url) && typeof part.image_url.url === "string") {
          const detail = typeof part.image_url.detail === "string" ? part.image_url.detail : "auto";
          const tokens = visionTokens(model, part.image_url.url, detail);
          parts.push({ kind: "image", url: part.image_url.url, detail, ...(tokens === null ? {} : { tokens }) });
        } else if (
          part.type === "input_audio" &&
          isRecord(part.input_audio) &&
          typeof part.input_audio.data === "string"
        ) {
          const bytes = Buffer.from(part.input_audio.data, "base64");
          parts.push({ kind: "audio", seconds: audioDurationSeconds(bytes).seconds, key: sha256Hex(bytes) });
        } else if (part.type === "file") {
          // File parts (PDFs) are not counted by the simulator.
        } else {
          throw invalidRequest(
            `Invalid value: '${String(part.type)}'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', and 'file'.`,
            `messages[${i}].content[${j}].type`,
            "invalid_value",
          );
        }
      });
    }
    if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) {
      const calls = m.tool_calls.map((c) => (isRecord(c) ? (c.function ?? c.custom ?? c) : c));
      parts.push({ kind: "text", text: JSON.stringify(calls) });
    }
    if (isRecord(m.function_call)) parts.push({ kind: "text", text: JSON.stringify(m.function_call) });
    const message: PromptMessage = { role: String(m.role), parts };
    if (typeof m.name === "string" && m.name.length > 0) message.name = m.name;
    return message;
  });
}

function parseResponseFormat(value: unknown): ResponseFormat {
  if (value === undefined || value === null) return { kind: "text" };
  if (!isRecord(value))
    throw invalidRequest("Invalid 'response_format': expected an object.", "response_format", "invalid_type");
  switch (value.type) {
    case "text":
      return { kind: "text" };
    case "json_object":
      return { kind: "json_object" };
    case "json_schema": {
      const js = value.json_schema;
      if (!isRecord(js)) {
        throw invalidRequest(
          "Missing required parameter: 'response_format.json_schema'.",
          "response_format.json_schema",
          "missing_required_parameter",
        );
      }
      if (typeof js.name !== "string" || js.name.length === 0) {
        throw invalidRequest(
          "Missing required parameter: 'response_format.json_schema.name'.",
          "response_format.json_schema.name",
          "missing_required_parameter",
        );
      }
      return { kind: "json_schema", name: js.name, schema: js.schema ?? { type: "object" } };
    }
    default:
      throw invalidRequest(
        `Invalid value: '${String(value.type)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
        "response_format.type",
        "invalid_value",
      );
  }
}

function optionalInteger(body: Record<string, unknown>, key: string, min: number): number | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw invalidRequest(
      `Invalid type for '${key}': expected an integer, but got ${typeof value} instead.`,
      key,
      "invalid_type",
    );
  }
  if (value < min) {
    throw invalidRequest(
      `Invalid '${key}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      key,
      "integer_below_min_value",
    );
  }
  return value;
}

/** The function a tool_choice forces, if any ("required" → the first function tool). */
function forcedTool(body: Record<string, unknown>): { name: string; parameters: unknown } | null {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const functions = tools
    .map((t) => (isRecord(t.function) ? t.function : null))
    .filter((f): f is Record<string, unknown> => f !== null && typeof f.name === "string");
  const choice = body.tool_choice;
  let name: string | null = null;
  if (choice === "required") name = (functions[0]?.name as string | undefined) ?? null;
  else if (
    isRecord(choice) &&
    choice.type === "function" &&
    isRecord(choice.function) &&
    typeof choice.function.name === "string"
  ) {
    name = choice.function.name;
    if (!functions.some((f) => f.name === name)) {
      throw invalidRequest(
        `Invalid value for 'tool_choice': no function named '${name}' was specified in the 'tools' parameter.`,
        "tool_choice",
      );
    }
  }
  if (name === null) return null;
  const fn = functions.find((f) => f.name === name);
  return { name, parameters: fn?.parameters ?? { type: "object", properties: {} } };
}

/** Syntactically broken JSON: the well-formed answer cut off before its end. */
export function brokenJson(valid: string): string {
  const cut = valid.slice(0, Math.max(1, Math.floor(valid.length * 0.6)));
  try {
    JSON.parse(cut);
  } catch {
    return cut;
  }
  return `{"simulator_fault": ${cut}`;
}

/** Well-formed JSON that breaks the schema: a required property removed, else a wrong root type. */
export function schemaMismatch(schema: unknown, sample: unknown): unknown {
  if (isRecord(sample) && isRecord(schema)) {
    const required = Array.isArray(schema.required)
      ? schema.required.filter((k): k is string => typeof k === "string")
      : [];
    const missing = required.find((k) => k in sample);
    if (missing !== undefined) {
      const copy = { ...sample };
      delete copy[missing];
      return copy;
    }
  }
  return isRecord(sample) ? ["simulator-fault: schema-mismatch"] : { simulator_fault: "schema-mismatch" };
}

function answerText(
  format: ResponseFormat,
  lastUser: string,
  variant: number,
  encoding: ModelEncoding,
  fault: ResponseContext["fault"],
): string {
  const structured = (): { schema: unknown; value: unknown } => {
    if (format.kind === "json_schema") {
      return {
        schema: format.schema,
        value: sampleFromJsonSchema(format.schema, { seed: `${format.name}|${variant}|${lastUser}` }),
      };
    }
    return { schema: null, value: jsonObjectReply(variant === 0 ? lastUser : `${lastUser}#${variant}`) };
  };
  if (fault === "invalid-json") return brokenJson(JSON.stringify(structured().value));
  if (fault === "schema-mismatch") {
    const { schema, value } = structured();
    return JSON.stringify(schemaMismatch(schema, value));
  }
  if (format.kind !== "text") return JSON.stringify(structured().value);
  return coachReply(lastUser, encoding.count, variant);
}

/** The text up to the first stop sequence (finish_reason stays "stop", as on the API). */
function cutAtStop(text: string, stop: readonly string[]): string {
  let at = -1;
  for (const s of stop) {
    if (s.length === 0) continue;
    const i = text.indexOf(s);
    if (i !== -1 && (at === -1 || i < at)) at = i;
  }
  return at === -1 ? text : text.slice(0, at);
}

function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString("base64url")}`;
}

export interface ChatResult {
  /** The usage reported (or that would have been reported) for the whole answer. */
  usage: ChatUsage;
  /**
   * What the provider bills for this request: the whole usage when the answer was delivered; for a
   * stream the client left early, the prompt, the reasoning spent until then and the visible tokens
   * generated until then (the model stops when the connection closes).
   */
  billed: ChatUsage;
}

/** Progress of a stream, for billing: the reasoning spent and the visible tokens generated so far. */
interface StreamProgress {
  reasoningTokens: number;
  visibleTokens: number;
}

/** `usage` cut down to what a stream that stopped at `progress` generated. */
function billedUsage(usage: ChatUsage, progress: StreamProgress): ChatUsage {
  const completion = progress.reasoningTokens + progress.visibleTokens;
  return {
    ...usage,
    completion_tokens: completion,
    total_tokens: usage.prompt_tokens + completion,
    completion_tokens_details: { ...usage.completion_tokens_details, reasoning_tokens: progress.reasoningTokens },
  };
}

export async function handleChatCompletion(
  res: ServerResponse,
  ctx: ResponseContext,
  bodyValue: unknown,
  options: ChatOptions,
): Promise<ChatResult> {
  if (!isRecord(bodyValue)) throw invalidRequest("The request body must be a JSON object.");
  const body = bodyValue;
  const model = body.model;
  if (typeof model !== "string" || model.length === 0) {
    throw invalidRequest("you must provide a model parameter", "model", "missing_required_parameter");
  }
  if (!Array.isArray(body.messages)) {
    throw invalidRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  }
  if (body.messages.length === 0) {
    throw invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "messages",
      "empty_array",
    );
  }
  const messages = body.messages.map((m, i) => {
    if (!isRecord(m))
      throw invalidRequest(`Invalid type for 'messages[${i}]': expected an object.`, `messages[${i}]`, "invalid_type");
    if (typeof m.role !== "string" || !ROLES.includes(m.role)) {
      throw invalidRequest(
        `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${i}].role`,
        "invalid_value",
      );
    }
    return m;
  });
  const reasoning = isReasoningModel(model);
  if (reasoning && body.max_tokens !== undefined && body.max_tokens !== null) {
    throw invalidRequest(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      "max_tokens",
      "unsupported_parameter",
    );
  }
  const limit = optionalInteger(body, "max_completion_tokens", 1) ?? optionalInteger(body, "max_tokens", 1);
  const n = optionalInteger(body, "n", 1) ?? 1;
  if (n > 128)
    throw invalidRequest(
      `Invalid 'n': integer above maximum value. Expected a value <= 128, but got ${n} instead.`,
      "n",
    );
  const format = parseResponseFormat(body.response_format);
  const stop =
    typeof body.stop === "string"
      ? [body.stop]
      : Array.isArray(body.stop)
        ? body.stop.filter((s): s is string => typeof s === "string")
        : [];
  const effort = typeof body.reasoning_effort === "string" ? body.reasoning_effort : null;
  const stream = body.stream === true;
  const includeUsage = stream && isRecord(body.stream_options) && body.stream_options.include_usage === true;
  const tool = forcedTool(body);

  // Prompt accounting.
  const encoding = await encodingForModel(model);
  const prompt = tokenizePrompt(encoding, toPromptMessages(messages, model));
  const { cached, written } = options.cache.lookupAndWrite(model, prompt.tokens);
  const lastUserMessage = [...messages].reverse().find((m) => m.role === "user") ?? messages[messages.length - 1]!;
  const lastUser = textOf(lastUserMessage.content);

  // Per-choice output under the token limit; reasoning tokens are spent first, as on the API.
  const choices: ChoicePlan[] = Array.from({ length: n }, (_, index) => {
    let visibleText: string;
    let toolCall: ToolCallPlan | null = null;
    if (tool) {
      const args =
        ctx.fault === "invalid-json" || ctx.fault === "schema-mismatch"
          ? answerText(
              { kind: "json_schema", name: tool.name, schema: tool.parameters },
              lastUser,
              index,
              encoding,
              ctx.fault,
            )
          : JSON.stringify(sampleFromJsonSchema(tool.parameters, { seed: `tool:${tool.name}|${index}|${lastUser}` }));
      toolCall = { id: newId("call_sim_"), name: tool.name, arguments: args };
      visibleText = args;
    } else {
      visibleText = cutAtStop(answerText(format, lastUser, index, encoding, ctx.fault), stop);
    }
    // A tool call also spends the function name's tokens (before its arguments).
    const visible = encoding.encode(visibleText);
    const nameTokens = toolCall ? encoding.count(toolCall.name) : 0;
    const plannedReasoning = plannedReasoningTokens(model, effort, nameTokens + visible.length);
    let reasoningTokens = plannedReasoning;
    let nameUsed = nameTokens;
    let used = visible;
    let truncated = false;
    if (limit !== null && plannedReasoning + nameTokens + visible.length > limit) {
      truncated = true;
      reasoningTokens = Math.min(plannedReasoning, limit);
      nameUsed = Math.min(nameTokens, limit - reasoningTokens);
      used = visible.slice(0, limit - reasoningTokens - nameUsed);
    }
    const pieces = encoding.decodePieces(used);
    const text = pieces.join("");
    if (toolCall) toolCall.arguments = text;
    const finishReason: ChoicePlan["finishReason"] = truncated ? "length" : toolCall ? "tool_calls" : "stop";
    return {
      index,
      finishReason,
      content: toolCall ? null : text,
      pieces,
      toolCall,
      reasoningTokens,
      completionTokens: reasoningTokens + nameUsed + used.length,
    };
  });

  const completionTokens = choices.reduce((s, c) => s + c.completionTokens, 0);
  const usage: ChatUsage = {
    prompt_tokens: prompt.tokens.length,
    completion_tokens: completionTokens,
    total_tokens: prompt.tokens.length + completionTokens,
    prompt_tokens_details: {
      cached_tokens: cached,
      audio_tokens: prompt.audioTokens,
      ...(billsCacheWrites(model) ? { cache_write_tokens: written } : {}),
    },
    completion_tokens_details: {
      reasoning_tokens: choices.reduce((s, c) => s + c.reasoningTokens, 0),
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };

  const id = newId("chatcmpl-sim");
  const created = Math.floor(Date.now() / 1000);
  const envelope = { id, created, model: servedModel(model) };
  const trailer = { service_tier: "default", system_fingerprint: "fp_simulator" };

  if (ctx.fault === "stall-after-generate") {
    // The model ran (and is billed in full), then the answer never comes: the client's timeout fires.
    await stall(ctx.signal);
    return { usage, billed: usage };
  }

  if (!stream) {
    sendJson(res, ctx, 200, {
      id,
      object: "chat.completion",
      created,
      model: envelope.model,
      choices: choices.map((c) => ({
        index: c.index,
        message: {
          role: "assistant",
          content: c.content,
          refusal: null,
          annotations: [],
          ...(c.toolCall
            ? {
                tool_calls: [
                  {
                    id: c.toolCall.id,
                    type: "function",
                    function: { name: c.toolCall.name, arguments: c.toolCall.arguments },
                  },
                ],
              }
            : {}),
        },
        logprobs: null,
        finish_reason: c.finishReason,
      })),
      usage,
      ...trailer,
    });
    return { usage, billed: usage };
  }

  const progress: StreamProgress = { reasoningTokens: 0, visibleTokens: 0 };
  const completed = await streamChoices(
    res,
    ctx,
    { ...envelope, ...trailer },
    choices,
    includeUsage ? usage : null,
    options.tokensPerSecond,
    progress,
  );
  return { usage, billed: completed ? usage : billedUsage(usage, progress) };
}

/** Waits until the client goes away (or the simulator closes). */
async function stall(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

async function streamChoices(
  res: ServerResponse,
  ctx: ResponseContext,
  envelope: Record<string, unknown>,
  choices: readonly ChoicePlan[],
  usage: ChatUsage | null,
  tokensPerSecond: number | undefined,
  progress: StreamProgress,
): Promise<boolean> {
  if (res.destroyed || ctx.signal.aborted) return false;
  res.writeHead(200, {
    ...baseHeaders(ctx),
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  const msPerToken = tokensPerSecond && tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
  const chunk = (choicesPayload: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({
      id: envelope.id,
      object: "chat.completion.chunk",
      created: envelope.created,
      model: envelope.model,
      service_tier: envelope.service_tier,
      system_fingerprint: envelope.system_fingerprint,
      choices: choicesPayload,
      ...(usage ? { usage: null } : {}),
      ...extra,
    })}\n\n`;

  const totalPieces = choices.reduce((s, c) => s + c.pieces.length, 0);
  const dropAfter = ctx.fault === "abort-mid-stream" ? Math.max(1, Math.floor(totalPieces / 2)) : Infinity;
  let sent = 0;

  // Reasoning happens before the first visible token; a client that leaves during it is billed the
  // reasoning spent until then.
  const reasoning = choices.reduce((s, c) => s + c.reasoningTokens, 0);
  const reasoningStart = Date.now();
  const reasoned = await sleep(reasoning * msPerToken, ctx.signal);
  progress.reasoningTokens =
    reasoned || msPerToken === 0
      ? reasoning
      : Math.min(reasoning, Math.floor((Date.now() - reasoningStart) / msPerToken));
  if (!reasoned) return false;

  for (const choice of choices) {
    const first = choice.toolCall
      ? {
          role: "assistant",
          content: null,
          refusal: null,
          tool_calls: [
            {
              index: 0,
              id: choice.toolCall.id,
              type: "function",
              function: { name: choice.toolCall.name, arguments: "" },
            },
          ],
        }
      : { role: "assistant", content: "", refusal: null };
    if (
      !(await write(
        res,
        ctx.signal,
        chunk([{ index: choice.index, delta: first, logprobs: null, finish_reason: null }]),
      ))
    )
      return false;
    progress.visibleTokens += choice.completionTokens - choice.reasoningTokens - choice.pieces.length; // a tool call's name
    let pending = "";
    for (const piece of choice.pieces) {
      pending += piece;
      if (!(await sleep(msPerToken, ctx.signal))) return false;
      sent++;
      progress.visibleTokens++;
      if (pending.length === 0) continue; // an incomplete UTF-8 character: wait for the next token
      const delta = choice.toolCall
        ? { tool_calls: [{ index: 0, function: { arguments: pending } }] }
        : { content: pending };
      pending = "";
      const data = chunk([{ index: choice.index, delta, logprobs: null, finish_reason: null }]);
      if (sent >= dropAfter) {
        // Flush what was sent so far (the client sees half a stream), then drop the connection.
        res.write(data, () => dropConnection(res, ctx));
        return false;
      }
      if (!(await write(res, ctx.signal, data))) return false;
    }
    if (
      !(await write(
        res,
        ctx.signal,
        chunk([{ index: choice.index, delta: {}, logprobs: null, finish_reason: choice.finishReason }]),
      ))
    )
      return false;
  }
  if (ctx.fault === "abort-mid-stream") {
    // Nothing visible to cut in half (empty content): drop before the end all the same.
    res.write(": simulator fault\n\n", () => dropConnection(res, ctx));
    return false;
  }
  if (usage && !(await write(res, ctx.signal, chunk([], { usage })))) return false;
  if (!(await write(res, ctx.signal, "data: [DONE]\n\n"))) return false;
  res.end();
  return true;
}
