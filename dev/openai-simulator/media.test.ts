// Images, transcriptions, realtime secrets, the production guard and the CLI — through the `openai` SDK.
import { spawn } from "node:child_process";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { encode as encode4o } from "gpt-tokenizer/model/gpt-4o";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { mp3File, mp4File } from "@/test/ai/audio-fixtures";
import { parseWav } from "./audio";
import { PNG_SIGNATURE } from "./images";
import { startOpenAISimulator, type OpenAISimulator } from "./index";

let sim: OpenAISimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startOpenAISimulator();
  client = new OpenAI({ apiKey: "sk-simulator", baseURL: sim.url, maxRetries: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

/** Reads a PNG: signature, IHDR fields, and the inflated pixel data's size (every chunk CRC is present). */
function decodePng(png: Buffer) {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  let offset = 8;
  const chunks: { type: string; data: Buffer }[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("ascii", offset + 4, offset + 8);
    chunks.push({ type, data: png.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
  }
  expect(chunks[0]!.type).toBe("IHDR");
  expect(chunks[chunks.length - 1]!.type).toBe("IEND");
  const ihdr = chunks[0]!.data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const pixels = inflateSync(Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data)));
  expect(pixels.length).toBe(height * (1 + width * 3)); // 8-bit RGB, one filter byte per row
  return { width, height, bitDepth: ihdr[8], colourType: ihdr[9] };
}

/** A PCM WAV of `seconds` of a 440 Hz tone. */
function pcmWav(seconds: number, sampleRate = 16_000, channels = 1, bitsPerSample = 16): Buffer {
  const blockAlign = (channels * bitsPerSample) / 8;
  const frames = Math.round(seconds * sampleRate);
  const dataBytes = frames * blockAlign;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write("RIFF", 0, "ascii");
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write("WAVE", 8, "ascii");
  wav.write("fmt ", 12, "ascii");
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(channels, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * blockAlign, 28);
  wav.writeUInt16LE(blockAlign, 32);
  wav.writeUInt16LE(bitsPerSample, 34);
  wav.write("data", 36, "ascii");
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < frames; i++) {
    const sample = Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 8000);
    for (let c = 0; c < channels; c++) wav.writeInt16LE(sample, 44 + i * blockAlign + c * 2);
  }
  return wav;
}

describe("images", () => {
  it("gpt-image-1 returns a b64 PNG of the requested size with OpenAI-shaped usage", async () => {
    const prompt = "A calm sunrise over a running track";
    const res = await client.images.generate({ model: "gpt-image-1", prompt, size: "1024x1536", quality: "low" });
    expect(res.data).toHaveLength(1);
    const png = Buffer.from(res.data![0]!.b64_json!, "base64");
    expect(decodePng(png)).toEqual({ width: 1024, height: 1536, bitDepth: 8, colourType: 2 });
    expect(png.length).toBeLessThan(50_000);
    const textTokens = encode4o(prompt).length;
    expect(res.usage).toEqual({
      input_tokens: textTokens,
      input_tokens_details: { text_tokens: textTokens, image_tokens: 0 },
      output_tokens: 408,
      total_tokens: textTokens + 408,
    });
    expect(res.size).toBe("1024x1536");
    expect(res.output_format).toBe("png");
    // Deterministic per prompt, different across prompts.
    const again = await client.images.generate({ model: "gpt-image-1", prompt, size: "1024x1536", quality: "low" });
    expect(again.data![0]!.b64_json).toBe(res.data![0]!.b64_json);
    const other = await client.images.generate({
      model: "gpt-image-1",
      prompt: "Something else",
      size: "1024x1536",
      quality: "low",
    });
    expect(other.data![0]!.b64_json).not.toBe(res.data![0]!.b64_json);
  });

  it("n images, medium quality by default for auto", async () => {
    const res = await client.images.generate({ model: "gpt-image-1", prompt: "two badges", n: 2 });
    expect(res.data).toHaveLength(2);
    expect(res.usage!.output_tokens).toBe(2 * 1056);
    for (const image of res.data!) expect(decodePng(Buffer.from(image.b64_json!, "base64")).width).toBe(1024);
  });

  it("dall-e-3 defaults to a URL the simulator serves, with a revised prompt and no usage", async () => {
    const res = await client.images.generate({
      model: "dall-e-3",
      prompt: "A coach's whistle",
      size: "1792x1024",
      quality: "hd",
    });
    const image = res.data![0]!;
    expect(image.url).toMatch(new RegExp(`^${sim.url}/__simulator/images/[0-9a-f]+\\.png$`));
    expect(image.revised_prompt).toContain("A coach's whistle");
    expect(res.usage).toBeUndefined();
    const download = await fetch(image.url!);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(decodePng(Buffer.from(await download.arrayBuffer()))).toMatchObject({ width: 1792, height: 1024 });

    const b64 = await client.images.generate({
      model: "dall-e-3",
      prompt: "A coach's whistle",
      response_format: "b64_json",
      size: "1024x1024",
    });
    expect(decodePng(Buffer.from(b64.data![0]!.b64_json!, "base64")).width).toBe(1024);
    const error = await client.images.generate({ model: "dall-e-3", prompt: "x", n: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("transcriptions", () => {
  it("reads the real duration of a 2.5 s PCM WAV (verbose_json)", async () => {
    const wav = pcmWav(2.5);
    expect(parseWav(wav)!.durationSeconds).toBe(2.5);
    const res = await client.audio.transcriptions.create({
      file: await toFile(wav, "check-in.wav", { type: "audio/wav" }),
      model: "whisper-1",
      response_format: "verbose_json",
      timestamp_granularities: ["segment", "word"],
    });
    expect(res.duration).toBe(2.5);
    expect(res.language).toBe("english");
    expect(res.text.length).toBeGreaterThan(0);
    expect(res.segments!.length).toBeGreaterThan(0);
    expect(res.segments![res.segments!.length - 1]!.end).toBe(2.5);
    expect(res.words!.length).toBeGreaterThan(0);
    expect(res.usage).toEqual({ type: "duration", seconds: 3 });
    expect(sim.requests[0]!.body).toMatchObject({
      fields: { model: "whisper-1" },
      file: { name: "check-in.wav", size: wav.length },
    });
  });

  it("handles stereo 44.1 kHz WAVs and gives the same text for the same audio", async () => {
    const wav = pcmWav(1.25, 44_100, 2);
    const a = await client.audio.transcriptions.create({
      file: await toFile(wav, "a.wav"),
      model: "whisper-1",
      response_format: "verbose_json",
    });
    const b = await client.audio.transcriptions.create({
      file: await toFile(wav, "b.wav"),
      model: "whisper-1",
      response_format: "verbose_json",
    });
    expect(a.duration).toBe(1.25);
    expect(b.text).toBe(a.text);
    const other = await client.audio.transcriptions.create({
      file: await toFile(pcmWav(1.25, 22_050), "c.wav"),
      model: "whisper-1",
    });
    expect(other.text).not.toBe(a.text);
  });

  it("json and text formats; gpt-4o-transcribe reports token usage", async () => {
    const wav = pcmWav(2.5);
    const json = await client.audio.transcriptions.create({
      file: await toFile(wav, "a.wav"),
      model: "gpt-4o-transcribe",
    });
    const outputTokens = encode4o(json.text).length;
    expect(json.usage).toEqual({
      type: "tokens",
      input_tokens: 25,
      input_token_details: { text_tokens: 0, audio_tokens: 25 },
      output_tokens: outputTokens,
      total_tokens: 25 + outputTokens,
    });
    const text = await client.audio.transcriptions.create({
      file: await toFile(wav, "a.wav"),
      model: "whisper-1",
      response_format: "text",
    });
    expect(typeof text).toBe("string");
    expect(text.trim()).toBe(json.text);
    const error = await client.audio.transcriptions
      .create({ file: await toFile(wav, "a.wav"), model: "gpt-4o-transcribe", response_format: "verbose_json" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("decodes other compressed audio at 64 kbit/s (8,000 bytes per second), whatever its header claims", async () => {
    const unknown = Buffer.alloc(48_000, 0xff);
    const res = await client.audio.transcriptions.create({
      file: await toFile(unknown, "voice.mp3"),
      model: "whisper-1",
      response_format: "verbose_json",
    });
    expect(res.duration).toBe(6);
    // An M4A whose mvhd claims 1 s, with 80,000 bytes of audio: 10 s.
    const forged = mp4File(1, { mdatBytes: 80_000 });
    const m4a = await client.audio.transcriptions.create({
      file: await toFile(forged, "voice.m4a"),
      model: "whisper-1",
      response_format: "verbose_json",
    });
    expect(m4a.duration).toBe(Math.round((forged.length / 8_000) * 1000) / 1000);
  });

  it("decodes every MP3 frame of the file, past junk a header walk stops at", async () => {
    const frames = Buffer.from(mp3File(200));
    const junkInside = Buffer.concat([
      frames.subarray(0, 417 * 2),
      Buffer.alloc(1_000, 0x00),
      frames.subarray(417 * 2),
    ]);
    const res = await client.audio.transcriptions.create({
      file: await toFile(junkInside, "voice.mp3"),
      model: "whisper-1",
      response_format: "verbose_json",
    });
    expect(res.duration).toBe(Math.round(((200 * 1152) / 44_100) * 1000) / 1000);
  });
});

describe("realtime", () => {
  it("creates a GA client secret echoing the session config", async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await client.realtime.clientSecrets.create({
      expires_after: { anchor: "created_at", seconds: 300 },
      session: { type: "realtime", model: "gpt-realtime", instructions: "Be a warm coach.", max_output_tokens: 512 },
    });
    expect(res.value).toMatch(/^ek_sim_[0-9a-f]{32}$/);
    expect(res.expires_at).toBeGreaterThanOrEqual(before + 300);
    expect(res.expires_at).toBeLessThanOrEqual(before + 302);
    expect(res.session).toMatchObject({
      type: "realtime",
      object: "realtime.session",
      model: "gpt-realtime",
      instructions: "Be a warm coach.",
      max_output_tokens: 512,
    });
    expect(res.session.id).toMatch(/^sess_sim_/);
    const defaults = await client.realtime.clientSecrets.create({});
    expect(defaults.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(599);
    expect(defaults.value).not.toBe(res.value);
  });

  it("supports the older beta POST /v1/realtime/sessions", async () => {
    const res = await client.beta.realtime.sessions.create({ model: "gpt-4o-realtime-preview", voice: "verse" });
    expect(res.client_secret.value).toMatch(/^ek_sim_/);
    expect(res.client_secret.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000));
    expect(res).toMatchObject({ model: "gpt-4o-realtime-preview", voice: "verse" });
  });

  it("rejects an out-of-range expiry", async () => {
    const error = await client.realtime.clientSecrets
      .create({ expires_after: { anchor: "created_at", seconds: 5 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("faults on other endpoints", () => {
  it("error-500 on images and transcriptions", async () => {
    const image = await client.images
      .generate({ model: "gpt-image-1", prompt: "x" }, { headers: { "x-simulator-fault": "error-500" } })
      .catch((e: unknown) => e);
    expect(image).toBeInstanceOf(OpenAI.InternalServerError);
    sim.injectFault("error-429");
    const audio = await client.audio.transcriptions
      .create({ file: await toFile(pcmWav(0.5), "a.wav"), model: "whisper-1" })
      .catch((e: unknown) => e);
    expect(audio).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe("lifecycle", () => {
  it("refuses to start when NODE_ENV=production", async () => {
    vi.stubEnv("NODE_ENV", "production");
    try {
      await expect(startOpenAISimulator()).rejects.toThrow(/refuses to start when NODE_ENV=production/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("close() ends in-flight streams and frees the port", async () => {
    const slow = await startOpenAISimulator({ tokensPerSecond: 20 });
    const slowClient = new OpenAI({ apiKey: "k", baseURL: slow.url, maxRetries: 0 });
    const stream = await slowClient.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const reading = (async () => {
      try {
        for await (const chunk of stream) void chunk;
      } catch {
        // the connection is cut by close()
      }
    })();
    await slow.close();
    await reading;
    const again = await startOpenAISimulator({ port: slow.port });
    expect(again.port).toBe(slow.port);
    await again.close();
  });

  it("the CLI prints the URL, serves, and exits 0 on SIGTERM", async () => {
    const tsx = path.resolve("node_modules/.bin/tsx");
    const child = spawn(tsx, ["dev/openai-simulator/cli.ts", "--port", "0"], {
      env: { ...process.env, NODE_ENV: "development" },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once("exit", (code) => reject(new Error(`CLI exited early (${code}): ${out}`)));
      });
      const cliClient = new OpenAI({ apiKey: "k", baseURL: url, maxRetries: 0 });
      const res = await cliClient.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "ping" }],
      });
      expect(res.choices[0]!.message.content).toBeTruthy();
      const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exit).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("the CLI refuses to run with NODE_ENV=production", async () => {
    const tsx = path.resolve("node_modules/.bin/tsx");
    const child = spawn(tsx, ["dev/openai-simulator/cli.ts"], { env: { ...process.env, NODE_ENV: "production" } });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toMatch(/refuses to start when NODE_ENV=production/);
  });
});
