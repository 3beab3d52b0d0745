import { describe, expect, it } from "vitest";
import { checkSameOrigin, crossSiteRefusal } from "./csrf";

const APP = "https://tollgate.example.com";
const request = (headers: Record<string, string>, url = `${APP}/api/ai/chat`) =>
  new Request(url, { method: "POST", headers });

describe("checkSameOrigin", () => {
  it("allows Sec-Fetch-Site same-origin and none, whatever Origin says", () => {
    expect(checkSameOrigin(request({ "sec-fetch-site": "same-origin", origin: APP }), APP)).toEqual({ allowed: true });
    expect(checkSameOrigin(request({ "sec-fetch-site": "none" }), APP)).toEqual({ allowed: true });
    expect(checkSameOrigin(request({ "sec-fetch-site": "Same-Origin" }), APP)).toEqual({ allowed: true });
  });

  it("refuses Sec-Fetch-Site cross-site, same-site and unknown values, even with a matching Origin", () => {
    expect(checkSameOrigin(request({ "sec-fetch-site": "cross-site", origin: "http://evil.example" }), APP)).toEqual({
      allowed: false,
      reason: "Sec-Fetch-Site: cross-site",
    });
    expect(checkSameOrigin(request({ "sec-fetch-site": "same-site", origin: APP }), APP)).toEqual({
      allowed: false,
      reason: "Sec-Fetch-Site: same-site",
    });
    expect(checkSameOrigin(request({ "sec-fetch-site": "whatever" }), APP).allowed).toBe(false);
  });

  it("without Sec-Fetch-Site, allows only an Origin equal to APP_URL's origin", () => {
    expect(checkSameOrigin(request({ origin: APP }), `${APP}/some/path`)).toEqual({ allowed: true });
    expect(checkSameOrigin(request({ origin: "HTTPS://TOLLGATE.EXAMPLE.COM" }), APP)).toEqual({ allowed: true });
    for (const origin of [
      "http://evil.example",
      "http://tollgate.example.com",
      "https://tollgate.example.com:8443",
      "https://app.tollgate.example.com",
      "null",
      "garbage",
    ]) {
      expect(checkSameOrigin(request({ origin }), APP), origin).toEqual({
        allowed: false,
        reason: `Origin: ${origin}`,
      });
    }
  });

  it("allows a request with neither header (not a browser), and falls back to the request's origin without APP_URL", () => {
    expect(checkSameOrigin(request({}), APP)).toEqual({ allowed: true });
    expect(checkSameOrigin(request({ origin: "http://localhost" }, "http://localhost/api/x"))).toEqual({
      allowed: true,
    });
    expect(checkSameOrigin(request({ origin: "http://evil.example" }, "http://localhost/api/x")).allowed).toBe(false);
  });
});

describe("crossSiteRefusal", () => {
  it("is a 403 cross_site_request JSON, or null", async () => {
    expect(crossSiteRefusal(request({ "sec-fetch-site": "same-origin" }), APP)).toBeNull();
    const refused = crossSiteRefusal(request({ "sec-fetch-site": "cross-site" }), APP)!;
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: "cross_site_request",
      message: "This request came from another site and was refused. Use the app itself.",
    });
  });
});
