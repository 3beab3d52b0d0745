// Where to go after sign-in. Only same-site paths are accepted, so a crafted link cannot bounce a
// user to another site (open redirect).
export const DEFAULT_AFTER_SIGN_IN = "/dashboard";

export function safeCallbackPath(value: unknown, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof value !== "string" || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  try {
    const url = new URL(value, "http://local.invalid");
    if (url.origin !== "http://local.invalid") return fallback;
    if (url.pathname.startsWith("/sign-in") || url.pathname.startsWith("/sign-up")) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
