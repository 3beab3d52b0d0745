import { describe, expect, it } from "vitest";
import { mailWindow } from "./once-per-window";

describe("mailWindow", () => {
  it("numbers fixed windows from the epoch and counts the seconds left, rounded up", () => {
    const tenMinutes = 600_000;
    expect(mailWindow(new Date(0), tenMinutes)).toEqual({ index: 0, retryAfterSeconds: 600 });
    expect(mailWindow(new Date(tenMinutes - 1), tenMinutes)).toEqual({ index: 0, retryAfterSeconds: 1 });
    expect(mailWindow(new Date(tenMinutes), tenMinutes)).toEqual({ index: 1, retryAfterSeconds: 600 });
    expect(mailWindow(new Date("2026-12-01T10:00:31.000Z"), tenMinutes)).toEqual({
      index: 2_993_532, // 1,796,119,231 s since the epoch ÷ 600
      retryAfterSeconds: 569,
    });
  });
});
