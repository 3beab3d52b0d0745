import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { API_ERRORS, apiError, type ApiErrorCode } from "./api-error";
import { jsonResponse } from "./json";
import { formatZodIssues } from "./zod-issues";

/** The guide's error table as [code, status] rows, read from the markdown itself. */
function guideTable(): [string, number][] {
  const guide = readFileSync(new URL("../../docs/TOKEN_INTEGRATION_GUIDE.md", import.meta.url), "utf8");
  const section = guide.slice(guide.indexOf("## The error contract"));
  const table = section.slice(0, section.indexOf("\n\n", section.indexOf("| status |")));
  const rows = table.split("\n").filter((line) => /^\|\s*\d{3}\s*\|/.test(line));
  return rows.map((line) => {
    const [, status, body] = line.split("|").map((cell) => cell.trim());
    const code = /"error": "([a-z_]+)"/.exec(body!)?.[1];
    if (!code) throw new Error(`a row of the guide's error table names no code: ${line}`);
    return [code, Number(status)];
  });
}

describe("ApiErrorCode", () => {
  it("is exactly the guide's error table: the same codes, each once, with the same status", () => {
    const table = guideTable();
    expect(table.length).toBeGreaterThan(10);
    expect(new Set(table.map(([code]) => code)).size).toBe(table.length);
    const union = Object.entries(API_ERRORS).map(([code, { status }]) => [code, status]);
    expect(Object.fromEntries(table)).toEqual(Object.fromEntries(union));
  });
});

describe("apiError", () => {
  it("answers the code's status with { error, message, ...extra }, JSON, never cached, headers added", async () => {
    const response = apiError("rate_limited", "Too many requests.", {
      headers: { "retry-after": "7" },
      extra: { tokens: { charged: 1n } },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await response.text()).toBe(
      '{"error":"rate_limited","message":"Too many requests.","tokens":{"charged":1}}',
    );
  });

  it("leaves message out when none is given (the 402 speaks in figures)", async () => {
    const response = apiError("insufficient_tokens", undefined, { extra: { required: 4.6, available: 0 } });
    expect([response.status, await response.json()]).toEqual([
      402,
      { error: "insufficient_tokens", required: 4.6, available: 0 },
    ]);
  });

  it("takes only codes of the union", () => {
    // @ts-expect-error "unauthenticated" is not a code: the contract says "unauthorized".
    const code: ApiErrorCode = "unauthenticated";
    expect(code in API_ERRORS).toBe(false);
  });
});

describe("jsonResponse", () => {
  it("writes bigints as numbers, status 200 by default", async () => {
    const response = jsonResponse({ balance: { remaining: 4_600n }, list: [1n, 2] });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"balance":{"remaining":4600},"list":[1,2]}');
  });
});

describe("formatZodIssues", () => {
  it("names every bad field in one sentence, and lists them", () => {
    const schema = z.object({ text: z.string().min(2), n: z.number() });
    const parsed = schema.safeParse({ text: "a", n: "x" });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(formatZodIssues(parsed.error)).toEqual({
      message: `Invalid request: text ${parsed.error.issues[0]!.message}; n ${parsed.error.issues[1]!.message}.`,
      issues: [
        { path: "text", message: parsed.error.issues[0]!.message },
        { path: "n", message: parsed.error.issues[1]!.message },
      ],
    });
    const root = z.string().safeParse(1);
    expect(!root.success && formatZodIssues(root.error).message).toMatch(/^Invalid request: body /);
  });
});
