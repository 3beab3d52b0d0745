import { describe, expect, it } from "vitest";
import { renderPng } from "@/dev/openai-simulator/images";
import { MAX_IMAGE_BYTES, sniffImageType, uploadedImage } from "./uploads";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

describe("image uploads", () => {
  it("recognises the four allowed types by their bytes, and nothing else", () => {
    expect(sniffImageType(renderPng("x", 4, 4))).toBe("image/png");
    expect(sniffImageType(bytes([0xff, 0xd8, 0xff, 0xe0], "JFIF"))).toBe("image/jpeg");
    expect(sniffImageType(bytes("GIF89a", [1, 0, 1, 0]))).toBe("image/gif");
    expect(sniffImageType(bytes("RIFF", [0, 0, 0, 0], "WEBPVP8 "))).toBe("image/webp");
    expect(sniffImageType(bytes("RIFF", [0, 0, 0, 0], "WAVEfmt "))).toBeNull();
    expect(sniffImageType(bytes("%PDF-1.7"))).toBeNull();
    expect(sniffImageType(bytes("<svg xmlns="))).toBeNull();
  });

  it("reads the real pixel size, whatever the file is called", async () => {
    const image = await uploadedImage(
      new File([new Uint8Array(renderPng("x", 37, 21))], "photo.jpg", { type: "image/jpeg" }),
      "photo",
    );
    expect(image).toMatchObject({ type: "image/png", width: 37, height: 21 });
  });

  it("refuses an empty file, one over 10 MB and a declared non-image type with a 400 message", async () => {
    await expect(uploadedImage(new File([], "a.png", { type: "image/png" }), "photo")).rejects.toThrow(
      "The photo is empty",
    );
    await expect(
      uploadedImage(new File([new Uint8Array(MAX_IMAGE_BYTES + 1)], "a.png", { type: "image/png" }), "photo"),
    ).rejects.toThrow("at most 10 MB");
    await expect(
      uploadedImage(new File([new Uint8Array(renderPng("x", 4, 4))], "a.svg", { type: "image/svg+xml" }), "photo"),
    ).rejects.toThrow("image/svg+xml");
    await expect(
      uploadedImage(new File([bytes([0xff, 0xd8, 0xff, 0x00])], "a.jpg", { type: "image/jpeg" }), "photo"),
    ).rejects.toThrow("could not be read");
  });
});
