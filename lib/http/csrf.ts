// Cross-site request refusal for cookie-authenticated, state-changing route handlers (metered AI
// calls spend the victim's tokens). The session cookie is SameSite=Lax, which still lets a
// cross-site page POST a form, and `fetch(..., { mode: "no-cors", credentials: "include" })` sends
// "simple" requests (text/plain, multipart/form-data, urlencoded) without a preflight.
//
// The rule (Fetch Metadata first, Origin as fallback, as OWASP recommends):
// - `Sec-Fetch-Site: same-origin` or `none` (typed in the address bar) → allowed;
//   `same-site`, `cross-site`, or any other value → refused (a sibling subdomain is not us).
// - No Sec-Fetch-Site (older browsers): an `Origin` header must equal the app's origin exactly
//   (`null` — sandboxed frames, some redirects — is refused).
// - Neither header: not a browser's cross-site request (curl, a server, a test) → allowed; such a
//   client holding the cookie already holds the session.
import { apiError } from "./api-error";

export type CrossSiteVerdict = { allowed: true } | { allowed: false; reason: string };

/** The origin (scheme://host[:port]) of a URL, or null when it is not a URL. */
function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Whether the request may be served. `appOrigin` is the public origin of the app (APP_URL's); when
 * it is not given, the request URL's own origin stands in.
 */
export function checkSameOrigin(request: Request, appOrigin?: string | null): CrossSiteVerdict {
  const site = request.headers.get("sec-fetch-site")?.trim().toLowerCase();
  if (site) {
    if (site === "same-origin" || site === "none") return { allowed: true };
    return { allowed: false, reason: `Sec-Fetch-Site: ${site}` };
  }
  const origin = request.headers.get("origin");
  if (origin === null) return { allowed: true };
  const expected = (appOrigin ? originOf(appOrigin) : null) ?? originOf(request.url);
  if (origin.trim() !== "null" && originOf(origin.trim()) === expected) return { allowed: true };
  return { allowed: false, reason: `Origin: ${origin}` };
}

/** The 403 for a refused cross-site request, or null when the request may go on. */
export function crossSiteRefusal(request: Request, appOrigin?: string | null): Response | null {
  const verdict = checkSameOrigin(request, appOrigin);
  if (verdict.allowed) return null;
  return apiError("cross_site_request", "This request came from another site and was refused. Use the app itself.");
}
