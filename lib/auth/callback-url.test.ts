import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_SIGN_IN, safeCallbackPath } from "./callback-url";

describe("safeCallbackPath", () => {
  it("keeps a same-site path with its query and fragment", () => {
    expect(safeCallbackPath("/usage?x=1#h")).toBe("/usage?x=1#h");
    expect(safeCallbackPath("/settings/subscription")).toBe("/settings/subscription");
    expect(safeCallbackPath("/")).toBe("/");
  });

  it("normalises dot segments", () => {
    expect(safeCallbackPath("/usage/../settings/./subscription")).toBe("/settings/subscription");
  });

  it.each([
    ["//evil.com"], // protocol-relative
    ["//evil.com/usage"],
    ["https://evil.com"],
    ["http://local.invalid/usage"], // absolute, even to the placeholder origin
    ["/\\evil.com"], // browsers read "/\" as "//"
    ["/\\/evil.com"],
    ["/\t/evil.com"], // the URL parser drops tabs: "//evil.com"
    ["/\n/evil.com"],
    ["javascript:alert(1)"],
    ["usage"], // relative
    [" /usage"],
    [""],
  ])("refuses the open redirect %j", (value) => {
    expect(safeCallbackPath(value)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it.each([["/sign-in"], ["/sign-in?callbackUrl=%2Fsign-in"], ["/sign-up"], ["/sign-up#x"], ["/usage/../sign-in"]])(
    "refuses %j, which would loop back to the sign-in",
    (value) => {
      expect(safeCallbackPath(value)).toBe(DEFAULT_AFTER_SIGN_IN);
    },
  );

  it("refuses what is not a string, and overlong values", () => {
    expect(DEFAULT_AFTER_SIGN_IN).toBe("/dashboard");
    expect(safeCallbackPath(undefined)).toBe("/dashboard");
    expect(safeCallbackPath(null)).toBe("/dashboard");
    expect(safeCallbackPath(["/usage"])).toBe("/dashboard");
    expect(safeCallbackPath(`/${"a".repeat(2047)}`)).toBe(`/${"a".repeat(2047)}`);
    expect(safeCallbackPath(`/${"a".repeat(2048)}`)).toBe("/dashboard");
  });

  it("uses the given fallback", () => {
    expect(safeCallbackPath("//evil.com", "/usage")).toBe("/usage");
    expect(safeCallbackPath("/ai/chat", "/usage")).toBe("/ai/chat");
  });
});
