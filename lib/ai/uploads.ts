// Image uploads of the vision features: multipart form data, each file an allowed image type
// (JPEG, PNG, WebP, GIF — recognised from its bytes, not from the name or the declared type), at most
// 10 MB, with its pixel size read from the bytes (image-size) so the vision estimate is exact.
// Every refusal is a BadRequestError (400) that says what to send instead.
import { imageSize } from "image-size";
import { BadRequestError } from "../tokens/metering/with-tokens";

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** Room for the multipart framing and the text fields around the files. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/** The request body limit of a route accepting up to `files` images (the per-file limit is checked per file, as a 400). */
export function maxUploadBodyBytes(files: number): number {
  return files * (MAX_IMAGE_BYTES + FORM_OVERHEAD_BYTES) + FORM_OVERHEAD_BYTES;
}

export interface UploadedImage {
  name: string;
  type: ImageType;
  bytes: Buffer;
  width: number;
  height: number;
}

/** The image type of these bytes by their signature, or null when they are none of the allowed types. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return "image/png";
  if (
    b.length >= 6 &&
    (b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a")
  )
    return "image/gif";
  if (
    b.length >= 12 &&
    b.subarray(0, 4).toString("latin1") === "RIFF" &&
    b.subarray(8, 12).toString("latin1") === "WEBP"
  )
    return "image/webp";
  return null;
}

/** The form fields of a multipart body (the body was already read by the metering wrapper). */
export async function readForm(request: Request, body: Buffer): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new BadRequestError("Send the photo as multipart/form-data (a form with a file field).");
  }
  try {
    return await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
  } catch {
    throw new BadRequestError("The form data could not be read; send it as multipart/form-data.");
  }
}

const TYPE_NAMES = "JPEG, PNG, WebP or GIF";

/** One uploaded file checked and measured; `label` names it in messages ("photo", "front photo"). */
export async function uploadedImage(file: File, label: string): Promise<UploadedImage> {
  if (file.size === 0) throw new BadRequestError(`The ${label} is empty; choose an image file.`);
  if (file.size > MAX_IMAGE_BYTES) {
    throw new BadRequestError(
      `The ${label} is ${(file.size / 1024 / 1024).toFixed(1)} MB; images must be at most 10 MB.`,
    );
  }
  const declared = file.type.toLowerCase();
  if (declared && declared !== "application/octet-stream" && !(IMAGE_TYPES as readonly string[]).includes(declared)) {
    throw new BadRequestError(`The ${label} is ${declared}; send a ${TYPE_NAMES} image.`);
  }
  const bytes = Buffer.from(await file.arrayBuffer());
  const type = sniffImageType(bytes);
  if (!type)
    throw new BadRequestError(
      `The ${label} is not a ${TYPE_NAMES} image (its content is not an image of these types).`,
    );
  let size: { width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch {
    throw new BadRequestError(`The ${label} could not be read as an image; it may be damaged.`);
  }
  if (!size.width || !size.height) throw new BadRequestError(`The ${label} has no readable width and height.`);
  return { name: file.name || label, type, bytes, width: size.width, height: size.height };
}

/** The files of a form field: at least `min`, at most `max`, each checked by `uploadedImage`. */
export async function imagesFromForm(
  form: FormData,
  field: string,
  { min, max, label }: { min: number; max: number; label: string },
): Promise<UploadedImage[]> {
  const entries = form.getAll(field);
  const files = entries.filter((entry): entry is File => typeof entry !== "string");
  if (files.length !== entries.length)
    throw new BadRequestError(`The field "${field}" must hold image files, not text.`);
  if (files.length < min)
    throw new BadRequestError(
      min === 1 ? `Add a ${label} (field "${field}").` : `Add at least ${min} ${label}s (field "${field}").`,
    );
  if (files.length > max) throw new BadRequestError(`Send at most ${max} ${label}${max === 1 ? "" : "s"}.`);
  const images: UploadedImage[] = [];
  for (const [i, file] of files.entries())
    images.push(await uploadedImage(file, files.length > 1 ? `${label} ${i + 1}` : label));
  return images;
}

/** The image as a data URL, the way it is sent to a vision model. */
export function imageDataUrl(image: UploadedImage): string {
  return `data:${image.type};base64,${image.bytes.toString("base64")}`;
}
