// Content-Type parsed as RFC 9110 says: `type "/" subtype *( OWS ";" OWS parameter )`, type and
// subtype case-insensitive. A substring test (`includes("application/json")`) accepts
// `text/plain; charset=application/json`, which a browser sends cross-site without a CORS preflight.

/** The header's `type/subtype`, lower-cased, without parameters; null when it is malformed. */
export function mediaType(header: string | null): string | null {
  if (!header) return null;
  const essence = header.split(";", 1)[0]!.trim().toLowerCase();
  // token chars of RFC 9110 §5.6.2 on both sides of the one slash
  return /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(essence) ? essence : null;
}

/** Whether the request's body is declared as exactly application/json (parameters ignored). */
export function isJsonContentType(header: string | null): boolean {
  return mediaType(header) === "application/json";
}
