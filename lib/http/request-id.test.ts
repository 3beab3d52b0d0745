import { describe, expect, it } from "vitest";
import { REQUEST_ID_HEADER, requestIdOf, withRequestId } from "./request-id";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const withHeader = (value?: string) =>
  new Request("http://localhost/x", { headers: value === undefined ? {} : { [REQUEST_ID_HEADER]: value } });

describe("requestIdOf", () => {
  it("keeps a caller's valid id: 1 to 128 letters, digits and ._:-", () => {
    for (const id of ["a", "req_01HZX.9:abc-def", "0190b3c4-7d1e-7000-8000-000000000000", "x".repeat(128)])
      expect(requestIdOf(withHeader(id))).toBe(id);
  });

  it("replaces a missing, empty, oversized or unsafe id with a new UUID", () => {
    for (const bad of [undefined, "", "x".repeat(129), "has space", "new\u00e9", "a/b", "<script>", "id,other"]) {
      const id = requestIdOf(withHeader(bad));
      expect(id).toMatch(UUID);
      expect(id).not.toBe(bad);
    }
    expect(requestIdOf(withHeader())).not.toBe(requestIdOf(withHeader()));
  });
});

describe("withRequestId", () => {
  it("sets the header on a response", () => {
    const response = withRequestId(new Response("ok", { status: 402 }), "abc");
    expect(response.status).toBe(402);
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe("abc");
  });

  it("copies a response whose headers are immutable, keeping its status and body", async () => {
    const redirect = Response.redirect("http://localhost/elsewhere", 307);
    expect(() => redirect.headers.set("x", "y")).toThrow();
    const response = withRequestId(redirect, "abc");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("http://localhost/elsewhere");
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe("abc");
  });
});
