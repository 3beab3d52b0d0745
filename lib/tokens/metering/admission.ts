// Admission: whether a request may be metered at all, decided before anything is held or charged.
//
// In this order, each refusal ending the request: a browser's cross-site request (403, checked
// before the session is looked up or a byte of the body read: lib/http/csrf.ts); no session (401);
// past the per-user rate limit (429 with Retry-After); a body above its limit, counted as it arrives
// so no more than the limit is ever buffered (413); an input that does not parse or validate (400
// with the issues). The 429 and the 400 carry the balance in X-Tokens-Remaining when it can be read;
// they are answered even when it cannot. Nothing here writes to the database.
//
// The session: with `currentSession` and no Idempotency-Key, its token is decoded here and its
// version checked later, in the hold's own statement (hold.ts) — so no refusal here is answered
// before the session is checked (`verifySession`): a revoked token gets 401, never the balance.
import { readBodyLimited } from "../../http/body";
import { crossSiteRefusal } from "../../http/csrf";
import { isJsonContentType } from "../../http/media-type";
import { isDatabaseUnavailable } from "../../db/unavailable";
import type { Db } from "../../db/client";
import { BadRequestError } from "./errors";
import type { CostEngine } from "./meter";
import type { RateLimiter } from "./rate-limit";
import { apiError } from "../../http/api-error";
import { formatZodIssues } from "../../http/zod-issues";
import { tokens } from "./respond";
import type { MeteringConfig, WithTokensOptions } from "./types";

/** The default body limit of a metered route (uploads set their own `maxBodyBytes`). */
export const DEFAULT_MAX_BODY_BYTES = 1_000_000;

/** What admission reads of a route's options. */
export type AdmissionOptions<TInput, U, E extends CostEngine<U>> = Pick<
  WithTokensOptions<TInput, U, E>,
  "input" | "parse" | "rateLimit" | "maxBodyBytes"
>;

export type Admission<TInput> =
  | { admitted: false; response: Response }
  | {
      admitted: true;
      userId: string;
      /** The token's session version, for the hold to check; absent when the session was checked already. */
      sessionVersion?: number;
      /** Whether the session is still current (a read; true at once when it was checked already). */
      verifySession(): Promise<boolean>;
      /** The raw body (the Idempotency-Key's fingerprint is taken over it). */
      body: Buffer;
      input: TInput;
      /** X-Tokens-Remaining for a later refusal; empty when the balance cannot be read. */
      balanceHeader(): Promise<Record<string, string>>;
    };

export async function admit<TInput, U, E extends CostEngine<U>>(
  request: Request,
  config: Pick<MeteringConfig<U, E>, "appOrigin" | "currentUserId" | "currentSession" | "db" | "rateLimit">,
  options: AdmissionOptions<TInput, U, E>,
  limiter: RateLimiter,
): Promise<Admission<TInput>> {
  // A cross-site request carrying the victim's cookie is refused first: nothing is read, held or charged.
  const crossSite = crossSiteRefusal(request, config.appOrigin?.());
  if (crossSite) return { admitted: false, response: crossSite };
  const session = await sessionOf(request, config);
  if (!session) return { admitted: false, response: unauthorized() };
  const { userId, sessionVersion, verifySession } = session;
  const balanceHeader = () => balanceHeaderOf(config.db(), userId);
  // A refusal is answered only to a session not known to be revoked: a revoked one learns nothing,
  // not even the balance. With the database unreachable the session cannot be checked, and the
  // refusal is still answered — its balance header (the one read of the user's data) is then left out.
  const refuse = async (response: () => Promise<Response> | Response): Promise<Admission<TInput>> => {
    const current = await verifySession().catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) return null;
      throw error;
    });
    return { admitted: false, response: current === false ? unauthorized() : await response() };
  };

  const limit = options.rateLimit ?? (typeof config.rateLimit === "function" ? config.rateLimit() : config.rateLimit);
  if (limit) {
    const decision = limiter.take(userId, limit);
    if (!decision.allowed) {
      return refuse(async () =>
        apiError(
          "rate_limited",
          `Too many requests: at most ${limit.limit} per ${limit.windowMs / 1000} s. Retry after ${decision.retryAfterSeconds} s.`,
          {
            headers: { "retry-after": String(decision.retryAfterSeconds), ...(await balanceHeader()) },
          },
        ),
      );
    }
  }

  // Counted as the bytes arrive (a chunked body has no Content-Length): never more than the limit is buffered.
  const read = await readBodyLimited(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (!read.ok) return refuse(() => read.response);
  try {
    const input = await parseInput(request, read.body, options);
    return { admitted: true, userId, sessionVersion, verifySession, body: read.body, input, balanceHeader };
  } catch (error) {
    if (error instanceof BadRequestError) {
      const issues = error.details ? { issues: error.details } : {};
      return refuse(async () =>
        apiError("invalid_request", error.message, { extra: issues, headers: await balanceHeader() }),
      );
    }
    throw error;
  }
}

export function unauthorized(): Response {
  return apiError("unauthorized", "Sign in to use this feature.");
}

/**
 * The request's user. Checked now (`currentUserId`), unless the app gives `currentSession` and the
 * request has no Idempotency-Key (whose stored answer may be replayed before any hold): then the
 * token is only decoded, and its version goes to the hold, which checks it in its own statement.
 */
async function sessionOf<U, E extends CostEngine<U>>(
  request: Request,
  config: Pick<MeteringConfig<U, E>, "currentUserId" | "currentSession">,
): Promise<{ userId: string; sessionVersion?: number; verifySession(): Promise<boolean> } | null> {
  if (config.currentSession && !request.headers.has("idempotency-key")) {
    const claims = await config.currentSession(request);
    if (!claims) return null;
    return {
      userId: claims.userId,
      sessionVersion: claims.sessionVersion,
      verifySession: claims.verify,
    };
  }
  const userId = await config.currentUserId(request);
  return userId ? { userId, verifySession: async () => true } : null;
}

/** The balance for a header on a refusal; a refusal is still answered when it cannot be read. */
async function balanceHeaderOf(db: Db, userId: string): Promise<Record<string, string>> {
  try {
    const row = await db.userTokenBalance.findUnique({ where: { userId } });
    return row ? { "x-tokens-remaining": String(tokens(row.allowance + row.purchased - row.reserved)) } : {};
  } catch (error) {
    if (isDatabaseUnavailable(error)) return {};
    throw error;
  }
}

/** The route's parser, or its schema over a JSON body (Content-Type parsed exactly). */
export async function parseInput<TInput, U, E extends CostEngine<U>>(
  request: Request,
  body: Buffer,
  options: AdmissionOptions<TInput, U, E>,
): Promise<TInput> {
  if (options.parse) return options.parse(request, body);
  if (!isJsonContentType(request.headers.get("content-type")))
    throw new BadRequestError("Send a JSON body with Content-Type: application/json.");
  let data: unknown;
  try {
    data = JSON.parse(body.toString("utf8"));
  } catch {
    throw new BadRequestError("The request body is not valid JSON.");
  }
  const parsed = options.input!.safeParse(data);
  if (!parsed.success) {
    const { message, issues } = formatZodIssues(parsed.error);
    throw new BadRequestError(message, issues);
  }
  return parsed.data;
}
