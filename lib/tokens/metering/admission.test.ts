// Admission alone, without a database: the order of its refusals (each one before the next check
// runs) and the exact 4xx bodies. The same refusals through the whole wrapper: with-tokens.int.test.ts
// (401, 400, 429) and with-tokens.perimeter.test.ts (403, 413).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { admit } from "./admission";
import { BadRequestError } from "./errors";
import { RateLimiter } from "./rate-limit";
import type { AdmissionOptions } from "./admission";

type Options = AdmissionOptions<{ prompt: string }, unknown, never>;
const schema = z.object({ prompt: z.string().min(1) });

/** A configuration that counts what admission touched; the balance row holds 1,234 millitokens. */
function setup({ user = "user-1" as string | null, balance = "row" as "row" | "none" | "down" } = {}) {
  const seen = { session: 0, balanceReads: 0 };
  const db = {
    userTokenBalance: {
      findUnique: async () => {
        seen.balanceReads++;
        if (balance === "down") throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
        return balance === "row" ? { allowance: 1_000n, purchased: 500n, reserved: 266n } : null;
      },
    },
  } as unknown as Db;
  const config = {
    appOrigin: () => "https://tollgate.example.com",
    currentUserId: async () => {
      seen.session++;
      return user;
    },
    db: () => db,
    rateLimit: false as const,
  };
  return { seen, config, limiter: new RateLimiter() };
}

/** A body that fails the test when it is read. */
const unreadable = () => new ReadableStream<Uint8Array>({ pull: () => expect.unreachable("the body was read") });

function post(body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) {
  return new Request("https://tollgate.example.com/api/ai/test", {
    method: "POST",
    headers,
    body,
    duplex: "half",
  } as RequestInit);
}

async function refusal(admission: Awaited<ReturnType<typeof admit>>) {
  if (admission.admitted) throw new Error("expected a refusal");
  return {
    status: admission.response.status,
    headers: Object.fromEntries(admission.response.headers),
    body: await admission.response.json(),
  };
}

describe("admission", () => {
  it("refuses a cross-site request before looking up the session or reading the body", async () => {
    const { seen, config, limiter } = setup();
    const request = post(unreadable(), { "sec-fetch-site": "cross-site", "content-type": "application/json" });
    const { status, body } = await refusal(await admit(request, config, { input: schema } as Options, limiter));
    expect(status).toBe(403);
    expect(body.error).toBe("cross_site_request");
    expect(seen).toEqual({ session: 0, balanceReads: 0 });
  });

  it("answers 401 without a session before the rate limit or the body", async () => {
    const { seen, config, limiter } = setup({ user: null });
    const { status, body } = await refusal(
      await admit(
        post(unreadable()),
        { ...config, rateLimit: { limit: 0, windowMs: 1_000 } },
        { input: schema } as Options,
        limiter,
      ),
    );
    expect(status).toBe(401);
    expect(body).toEqual({ error: "unauthorized", message: "Sign in to use this feature." });
    expect(seen.balanceReads).toBe(0);
  });

  it("answers 429 with Retry-After and the balance before reading the body; the route's limit wins over the app's", async () => {
    const { config, limiter } = setup();
    const options = { input: schema, rateLimit: { limit: 1, windowMs: 60_000 } } as Options;
    expect(
      (await admit(post(JSON.stringify({ prompt: "x" })), { ...config, rateLimit: () => false }, options, limiter))
        .admitted,
    ).toBe(true);
    const { status, headers, body } = await refusal(await admit(post(unreadable()), config, options, limiter));
    expect(status).toBe(429);
    expect(headers["retry-after"]).toBe("60");
    expect(headers["x-tokens-remaining"]).toBe("1.234");
    expect(body).toEqual({
      error: "rate_limited",
      message: "Too many requests: at most 1 per 60 s. Retry after 60 s.",
    });
  });

  it("answers 413 past the body limit before the parser runs", async () => {
    const { config, limiter } = setup();
    let parsed = 0;
    const options = { parse: () => (parsed++, { prompt: "x" }), maxBodyBytes: 10 } as unknown as Options;
    const { status, body } = await refusal(await admit(post("x".repeat(11)), config, options, limiter));
    expect(status).toBe(413);
    expect(body).toEqual({ error: "payload_too_large", message: "The request body must be at most 10 bytes." });
    expect(parsed).toBe(0);
  });

  it("answers 400 with the issues and the balance for an invalid input", async () => {
    const { config, limiter } = setup();
    const { status, headers, body } = await refusal(
      await admit(post(JSON.stringify({ prompt: "" })), config, { input: schema } as Options, limiter),
    );
    expect(status).toBe(400);
    expect(headers["x-tokens-remaining"]).toBe("1.234");
    expect(body).toEqual({
      error: "invalid_request",
      message: "Invalid request: prompt Too small: expected string to have >=1 characters.",
      issues: [{ path: "prompt", message: "Too small: expected string to have >=1 characters" }],
    });
  });

  it("answers 400 for a body that is not JSON, and for a media type that is not exactly application/json", async () => {
    const { config, limiter } = setup();
    const notJson = await refusal(await admit(post("{not json"), config, { input: schema } as Options, limiter));
    expect(notJson.body).toEqual({ error: "invalid_request", message: "The request body is not valid JSON." });
    const wrongType = await refusal(
      await admit(
        post("{}", { "content-type": "text/plain; charset=application/json" }),
        config,
        { input: schema } as Options,
        limiter,
      ),
    );
    expect(wrongType.body).toEqual({
      error: "invalid_request",
      message: "Send a JSON body with Content-Type: application/json.",
    });
  });

  it("answers a parser's BadRequestError with its details, and still answers when the balance cannot be read", async () => {
    const { config, limiter } = setup({ balance: "down" });
    const options = {
      parse: () => {
        throw new BadRequestError("Send a photo.", [{ path: "photo" }]);
      },
    } as unknown as Options;
    const { status, headers, body } = await refusal(await admit(post("x"), config, options, limiter));
    expect(status).toBe(400);
    expect(headers["x-tokens-remaining"]).toBeUndefined();
    expect(body).toEqual({ error: "invalid_request", message: "Send a photo.", issues: [{ path: "photo" }] });
  });

  it("admits a valid request with its user, raw body and parsed input, reading no balance", async () => {
    const { seen, config, limiter } = setup();
    const admission = await admit(
      post(JSON.stringify({ prompt: "hi" })),
      config,
      { input: schema } as Options,
      limiter,
    );
    expect(admission).toMatchObject({ admitted: true, userId: "user-1", input: { prompt: "hi" } });
    expect(admission.admitted && admission.body.toString()).toBe('{"prompt":"hi"}');
    expect(seen).toEqual({ session: 1, balanceReads: 0 });
  });
});

describe("admission with the session left to the hold (currentSession)", () => {
  const DOWN = () => Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });

  /** `verify` answers current, revoked, or throws as an unreachable database does. */
  function deferred(verify: "current" | "revoked" | "down", balance: "row" | "down" = "row") {
    const base = setup({ balance });
    const checks = { verify: 0, currentUserId: 0 };
    const config = {
      ...base.config,
      currentUserId: async () => {
        checks.currentUserId++;
        return "user-1";
      },
      currentSession: async () => ({
        userId: "user-1",
        sessionVersion: 3,
        verify: async () => {
          checks.verify++;
          if (verify === "down") throw DOWN();
          return verify === "current";
        },
      }),
    };
    return { ...base, config, checks };
  }
  const invalid = () => post(JSON.stringify({ prompt: "" }));

  it("admits with the token's version for the hold, and reads nothing (no session read, no balance)", async () => {
    const { seen, config, limiter, checks } = deferred("current");
    const admission = await admit(
      post(JSON.stringify({ prompt: "hi" })),
      config,
      { input: schema } as Options,
      limiter,
    );
    expect(admission).toMatchObject({ admitted: true, userId: "user-1", sessionVersion: 3 });
    expect(checks).toEqual({ verify: 0, currentUserId: 0 });
    expect(seen.balanceReads).toBe(0);
  });

  it("answers a revoked session's invalid input 401, without its balance", async () => {
    const { seen, config, limiter } = deferred("revoked");
    const { status, headers, body } = await refusal(
      await admit(invalid(), config, { input: schema } as Options, limiter),
    );
    expect(status).toBe(401);
    expect(headers["x-tokens-remaining"]).toBeUndefined();
    expect(body).toEqual({ error: "unauthorized", message: "Sign in to use this feature." });
    expect(seen.balanceReads).toBe(0);
  });

  it("answers a current session's invalid input 400 with its balance, after checking it", async () => {
    const { config, limiter, checks } = deferred("current");
    const { status, headers } = await refusal(await admit(invalid(), config, { input: schema } as Options, limiter));
    expect(status).toBe(400);
    expect(headers["x-tokens-remaining"]).toBe("1.234");
    expect(checks.verify).toBe(1);
  });

  it("still answers 400 when the database cannot check the session, and shows no balance", async () => {
    const { config, limiter } = deferred("down", "down");
    const { status, headers, body } = await refusal(
      await admit(invalid(), config, { input: schema } as Options, limiter),
    );
    expect(status).toBe(400);
    expect(headers["x-tokens-remaining"]).toBeUndefined();
    expect(body.error).toBe("invalid_request");
  });

  it("checks the session first (currentUserId) when the request carries an Idempotency-Key", async () => {
    const { config, limiter, checks } = deferred("current");
    const admission = await admit(
      post(JSON.stringify({ prompt: "hi" }), { "content-type": "application/json", "idempotency-key": "k-1" }),
      config,
      { input: schema } as Options,
      limiter,
    );
    expect(admission).toMatchObject({ admitted: true, userId: "user-1" });
    expect(admission.admitted && admission.sessionVersion).toBeUndefined();
    expect(checks).toEqual({ verify: 0, currentUserId: 1 });
  });
});
