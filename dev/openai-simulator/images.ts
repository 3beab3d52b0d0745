// Images: a deterministic PNG encoder and POST /v1/images/generations.
import type { ServerResponse } from "node:http";
import { deflateSync } from "node:zlib";
import { invalidRequest, isRecord, sendJson, type ResponseContext } from "./http";
import { Rng } from "./rng";
import { encodingForModel } from "./tokens";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A width×height RGB PNG showing an 8×8 grid of colours picked by a PRNG seeded with `seed` (the
 * prompt), each cell scaled up to fill the image. Solid cells compress to a few kilobytes even at 1024².
 */
export function renderPng(seed: string, width: number, height: number): Buffer {
  const rng = new Rng(`image:${seed}`);
  const base = [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  const palette = Array.from({ length: 64 }, () => base.map((c) => (c + rng.int(0, 96)) % 256));
  const rowBytes = 1 + width * 3;
  const raw = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    raw[y * rowBytes] = 0; // filter: none
    const cellY = Math.min(7, Math.floor((y * 8) / height));
    for (let x = 0; x < width; x++) {
      const colour = palette[cellY * 8 + Math.min(7, Math.floor((x * 8) / width))]!;
      const o = y * rowBytes + 1 + x * 3;
      raw[o] = colour[0]!;
      raw[o + 1] = colour[1]!;
      raw[o + 2] = colour[2]!;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * gpt-image-1 output tokens per image (OpenAI's published table): 1024×1024 → low 272 / medium 1056 /
 * high 4160; 1024×1536 and 1536×1024 → 408 / 1584 / 6240. "auto" quality counts as medium; other sizes
 * scale the 1024×1024 figure by area.
 */
export function gptImageOutputTokens(quality: string, width: number, height: number): number {
  const q = quality === "low" || quality === "high" ? quality : "medium";
  const square = { low: 272, medium: 1056, high: 4160 }[q];
  const portrait = { low: 408, medium: 1584, high: 6240 }[q];
  if (width === 1024 && height === 1024) return square;
  if ((width === 1024 && height === 1536) || (width === 1536 && height === 1024)) return portrait;
  return Math.round((square * width * height) / (1024 * 1024));
}

export interface StoredImage {
  png: Buffer;
}

const MAX_SIDE = 4096;

/** POST /v1/images/generations. Returns the usage it reported (gpt-image-*), or null. */
export async function handleImageGeneration(
  res: ServerResponse,
  ctx: ResponseContext,
  body: unknown,
  baseUrl: string,
  store: (png: Buffer) => string,
): Promise<unknown> {
  if (!isRecord(body)) throw invalidRequest("The request body must be a JSON object.");
  const prompt = body.prompt;
  if (typeof prompt !== "string" || prompt.length === 0) {
    throw invalidRequest("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
  }
  const model = typeof body.model === "string" ? body.model : "dall-e-2";
  const gptImage = model.startsWith("gpt-image") || model.startsWith("chatgpt-image");
  const n = body.n ?? 1;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 10) {
    throw invalidRequest(
      `Invalid 'n': expected an integer between 1 and 10, got ${JSON.stringify(n)}.`,
      "n",
      "invalid_value",
    );
  }
  if (model === "dall-e-3" && n !== 1) {
    throw invalidRequest("Invalid 'n': dall-e-3 only supports n=1.", "n", "invalid_value");
  }
  const sizeParam = typeof body.size === "string" ? body.size : "auto";
  const size = sizeParam === "auto" ? "1024x1024" : sizeParam;
  const match = /^(\d+)x(\d+)$/.exec(size);
  const width = match ? Number(match[1]) : NaN;
  const height = match ? Number(match[2]) : NaN;
  if (!match || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw invalidRequest(
      `Invalid value: '${sizeParam}'. Expected 'auto' or WIDTHxHEIGHT (at most ${MAX_SIDE}).`,
      "size",
      "invalid_value",
    );
  }
  const responseFormat = body.response_format ?? (gptImage ? "b64_json" : "url");
  if (responseFormat !== "url" && responseFormat !== "b64_json") {
    throw invalidRequest(
      `Invalid value: '${String(responseFormat)}'. Supported values are: 'url' and 'b64_json'.`,
      "response_format",
      "invalid_value",
    );
  }
  const quality = typeof body.quality === "string" ? body.quality : gptImage ? "auto" : "standard";

  const data = Array.from({ length: n }, (_, i) => {
    const png = renderPng(`${model}|${prompt}|${i}`, width, height);
    const item: Record<string, unknown> =
      responseFormat === "b64_json"
        ? { b64_json: png.toString("base64") }
        : { url: `${baseUrl}/__simulator/images/${store(png)}.png` };
    if (model === "dall-e-3") item.revised_prompt = `${prompt} (simulated)`;
    return item;
  });

  const response: Record<string, unknown> = { created: Math.floor(Date.now() / 1000), data };
  let usage: unknown = null;
  if (gptImage) {
    const textTokens = (await encodingForModel("gpt-4o")).count(prompt);
    const outputTokens = n * gptImageOutputTokens(quality, width, height);
    usage = {
      input_tokens: textTokens,
      input_tokens_details: { text_tokens: textTokens, image_tokens: 0 },
      output_tokens: outputTokens,
      total_tokens: textTokens + outputTokens,
    };
    Object.assign(response, {
      background: "opaque",
      output_format: "png",
      quality: quality === "auto" ? "medium" : quality,
      size,
      usage,
    });
  }
  sendJson(res, ctx, 200, response);
  return usage;
}
