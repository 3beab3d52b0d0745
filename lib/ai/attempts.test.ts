// How each provider failure is billed and whether it is retried (lib/ai/attempts.ts), on the SDK's
// own error classes.
import OpenAI from "openai";
import { describe, expect, it, vi } from "vitest";
import { classifyFailure, providerCall, ProviderUnansweredError } from "./attempts";

const apiError = (status: number) =>
  OpenAI.APIError.generate(status, { error: { message: "x" } }, "x", new Headers({ "retry-after-ms": "1" }));

describe("classifyFailure", () => {
  it("counts an error the provider answered as not billed, and an attempt without an answer as maybe billed", () => {
    expect(classifyFailure(apiError(429))).toBe("not-billed");
    expect(classifyFailure(apiError(500))).toBe("not-billed");
    expect(classifyFailure(apiError(503))).toBe("not-billed");
    expect(classifyFailure(new OpenAI.APIConnectionTimeoutError())).toBe("maybe-billed");
    expect(
      classifyFailure(
        new OpenAI.APIConnectionError({ cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) }),
      ),
    ).toBe("maybe-billed");
    expect(
      classifyFailure(
        new OpenAI.APIConnectionError({ cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) }),
      ),
    ).toBe("not-billed");
    expect(classifyFailure(apiError(400))).toBe("other");
    expect(classifyFailure(new OpenAI.APIUserAbortError())).toBe("other");
    expect(classifyFailure(new Error("a bug"))).toBe("other");
  });
});

describe("providerCall", () => {
  it("retries a not-billed error once, then gives up with it", async () => {
    const run = vi.fn().mockRejectedValueOnce(apiError(500)).mockResolvedValueOnce("ok");
    const onUnanswered = vi.fn();
    expect(await providerCall(run, { onUnanswered })).toBe("ok");
    expect(run).toHaveBeenCalledTimes(2);
    const failing = vi.fn().mockRejectedValue(apiError(429));
    await expect(providerCall(failing, { onUnanswered })).rejects.toMatchObject({ status: 429 });
    expect(failing).toHaveBeenCalledTimes(2);
    expect(onUnanswered).not.toHaveBeenCalled();
  });

  it("records an attempt without an answer once, never retries it, and throws a 504", async () => {
    const run = vi.fn().mockRejectedValue(new OpenAI.APIConnectionTimeoutError());
    const onUnanswered = vi.fn();
    const error = await providerCall(run, { onUnanswered }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnansweredError);
    expect((error as ProviderUnansweredError).status).toBe(504);
    expect(run).toHaveBeenCalledTimes(1);
    expect(onUnanswered).toHaveBeenCalledTimes(1);
  });

  it("rethrows any other error at once", async () => {
    const run = vi.fn().mockRejectedValue(apiError(400));
    await expect(providerCall(run, { onUnanswered: vi.fn() })).rejects.toMatchObject({ status: 400 });
    expect(run).toHaveBeenCalledTimes(1);
  });
});
