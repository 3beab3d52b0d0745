import { describe, expect, it } from "vitest";
import { isAuthorizedCronRequest } from "./authorize";

const SECRET = "0123456789abcdef0123456789abcdef";

describe("isAuthorizedCronRequest", () => {
  it("accepts exactly `Bearer <secret>`", () => {
    expect(isAuthorizedCronRequest(`Bearer ${SECRET}`, SECRET)).toBe(true);
  });

  it.each([
    ["no header", null],
    ["an empty header", ""],
    ["the bare secret", SECRET],
    ["another scheme", `Basic ${SECRET}`],
    ["a lower-case scheme", `bearer ${SECRET}`],
    ["a wrong secret of the same length", `Bearer ${SECRET.replace(/^0/, "1")}`],
    ["a prefix of the secret", `Bearer ${SECRET.slice(0, -1)}`],
    ["the secret with a suffix", `Bearer ${SECRET}x`],
    ["an empty bearer", "Bearer "],
  ])("refuses %s", (_case, header) => {
    expect(isAuthorizedCronRequest(header, SECRET)).toBe(false);
  });

  it("refuses everything, even an empty bearer, when no secret is configured", () => {
    expect(isAuthorizedCronRequest("Bearer ", undefined)).toBe(false);
    expect(isAuthorizedCronRequest("Bearer undefined", undefined)).toBe(false);
    expect(isAuthorizedCronRequest("Bearer ", "")).toBe(false);
  });
});
