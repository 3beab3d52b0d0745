import { describe, expect, it } from "vitest";
import { isJsonContentType, mediaType } from "./media-type";

describe("isJsonContentType", () => {
  it("accepts application/json in any case, with or without parameters", () => {
    for (const header of [
      "application/json",
      "Application/JSON",
      "application/json; charset=utf-8",
      " application/json ;charset=UTF-8",
    ]) {
      expect(isJsonContentType(header), header).toBe(true);
    }
  });

  it("refuses everything else, including types that merely contain application/json", () => {
    for (const header of [
      null,
      "",
      "text/plain; charset=application/json",
      "text/plain;application/json",
      "application/json-patch+json",
      "application/jsonx",
      "xapplication/json",
      "multipart/form-data; boundary=application/json",
      "application/x-www-form-urlencoded",
      "application/ json",
      "application/json/x",
    ]) {
      expect(isJsonContentType(header), String(header)).toBe(false);
    }
  });
});

describe("mediaType", () => {
  it("is type/subtype lower-cased, or null when malformed", () => {
    expect(mediaType("Multipart/Form-Data; boundary=x")).toBe("multipart/form-data");
    expect(mediaType("json")).toBeNull();
    expect(mediaType("a/b c")).toBeNull();
  });
});
