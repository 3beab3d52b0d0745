// The one place that reads process.env (tooling that runs before the app — scripts/ — reads its
// own few variables through `toolingEnv`). Every variable is validated by a schema; a bad or
// missing value fails with a message naming the variable and what is expected of it.
// file-length: every variable of the app in one schema, the one place that reads process.env (split, the list would scatter)
import "server-only";
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** An OpenAI admin key (sk-admin-…) for the organization Usage and Costs APIs, or unset. */
const openaiAdminKey = optionalString.refine(
  (v) => v === undefined || v.startsWith("sk-admin-"),
  "must be an OpenAI admin key (sk-admin-…), created at https://platform.openai.com/settings/organization/admin-keys",
);

const booleanString = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

/** pino's levels, most severe first; "silent" logs nothing. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const logLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` });
const nodeEnv = z.enum(["development", "test", "production"]).default("development");

export const TAX_MODES = ["inclusive", "exclusive"] as const;
export type TaxMode = (typeof TAX_MODES)[number];
const taxMode = optionalString.pipe(
  z.enum(TAX_MODES, { error: "must be inclusive or exclusive" }).default("inclusive"),
);

const postgresUrl = z
  .string({ error: "is required (a postgresql:// connection string)" })
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), "must be a postgresql:// connection string");

const preparedStatements = z.enum(["on", "off"], { error: "must be on or off" }).default("on");

const serverSchema = z
  .object({
    NODE_ENV: nodeEnv,
    /** The least severe level logged (lib/log.ts); unset: "info" ("warn" under the tests). */
    LOG_LEVEL: optionalString.pipe(logLevel.optional()),
    DATABASE_URL: postgresUrl,
    /**
     * A direct (session-mode) connection for locks held across transactions (the monthly reset)
     * and for the live balance's LISTEN.
     * Set it when DATABASE_URL goes through a transaction-mode pooler; defaults to DATABASE_URL.
     */
    DIRECT_DATABASE_URL: postgresUrl.optional(),
    /**
     * "off" sends every statement unnamed: for a transaction-mode pooler without prepared-statement
     * support (PgBouncer < 1.21). "on" (default) prepares the ledger's hot statements once per
     * connection. Not detected: a pooler does not say what it is through a pooled connection.
     */
    DATABASE_PREPARED_STATEMENTS: preparedStatements,
    /** Pool size per server instance; keep it small behind a pooler (PgBouncer / Supabase / Neon). */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    /**
     * Ledger statements in flight at once per server instance (the ledger pipeline's lanes): calls
     * that arrive while they run are committed together in the next. Each takes a pool connection.
     */
    LEDGER_LANES: z.coerce.number().int().min(1).max(32).default(2),
    AUTH_SECRET: z
      .string({ error: "is required: generate one with `openssl rand -base64 32`" })
      .min(32, "must be at least 32 characters: generate one with `openssl rand -base64 32`"),
    AUTH_URL: z.url({ error: "must be an absolute URL such as https://tollgate.example.com" }).optional(),
    AUTH_TRUST_HOST: booleanString,
    APP_URL: z.url({ error: "must be an absolute URL such as http://localhost:3000" }).default("http://localhost:3000"),
    AUTH_GITHUB_ID: optionalString,
    AUTH_GITHUB_SECRET: optionalString,
    AUTH_GOOGLE_ID: optionalString,
    AUTH_GOOGLE_SECRET: optionalString,
    /** OpenAI (or any compatible server). Unset in development: the loopback simulator is used. */
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: z.url({ error: "must be an absolute URL such as https://api.openai.com/v1" }).optional(),
    /**
     * OpenAI admin key (sk-admin-…) for the organization Usage and Costs APIs: the daily cost
     * reconciliation reads the provider's bill with it. Unset: reconciliation reports "not configured".
     */
    OPENAI_ADMIN_KEY: openaiAdminKey,
    /** How long one OpenAI attempt may take, ms (an attempt that gets no answer is charged its worst case). */
    OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
    /** Metered AI requests per user per minute (per server instance); 0 switches the limit off. */
    METER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(100_000).default(60),
    /**
     * The low-balance banner of the signed-in pages shows below this share of the period's allowance
     * (the plan's or the free tier's); 0 shows it only when the balance is empty.
     */
    LOW_BALANCE_PERCENT: z.coerce.number().int().min(0).max(100).default(10),
    /**
     * Euros per US dollar for the admin console's margins (revenue in €, provider cost in $): a
     * decimal with up to 6 decimals, used exactly (as a fraction). The page can override it per view.
     */
    ADMIN_USD_TO_EUR: z
      .string()
      .trim()
      .regex(/^\d{1,4}(\.\d{1,6})?$/, "must be a decimal EUR per USD rate such as 0.92 (up to 6 decimals)")
      .refine((v) => /[1-9]/.test(v), "must be greater than 0")
      .default("0.92"),
    /** Bearer secret of the cron routes (Vercel sends it). Unset: every cron request is refused. */
    CRON_SECRET: optionalString.pipe(
      z.string().min(16, "must be at least 16 characters: generate one with `openssl rand -hex 32`").optional(),
    ),
    /** Serves /api/bench/* (only `npm run bench:meter` sets it, on the server it starts). */
    TOLLGATE_BENCH_ROUTES: booleanString,
    /**
     * Set only by the end-to-end and bench runners, which start a production build on this machine
     * against the loopback simulators: it lifts the production refusals below (bench routes,
     * STRIPE_API_BASE, the simulator's OpenAI key, APP_URL on localhost). Never set it in a deployment.
     */
    TOLLGATE_LOOPBACK_RUN: booleanString,
    /**
     * How many reverse proxies in front of the app append to X-Forwarded-For (0, the default: none is
     * trusted and the header is ignored). With n, the client IP is the n-th address from the right —
     * the one the outermost trusted proxy saw; addresses further left are the client's own claims.
     */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Sign-up attempts per client IP per hour (0 = no per-IP limit). */
    SIGNUP_LIMIT_PER_IP_PER_HOUR: z.coerce.number().int().min(0).max(100_000).default(10),
    /** Sign-up attempts per hour in total, over every client (0 = no global limit). */
    SIGNUP_LIMIT_PER_HOUR: z.coerce.number().int().min(0).max(10_000_000).default(500),
    /** Sign-in attempts per client IP per 15 minutes, whatever the e-mail (0 = no per-IP limit). */
    SIGNIN_LIMIT_PER_IP_PER_15_MIN: z.coerce.number().int().min(0).max(100_000).default(30),
    /** Failed-or-not sign-in attempts per 15 minutes in total (0 = no global limit). */
    SIGNIN_LIMIT_PER_15_MIN: z.coerce.number().int().min(0).max(10_000_000).default(3_000),
    /** Live balance streams (SSE) one user may hold open per server instance; the oldest closes first. */
    LIVE_STREAMS_PER_USER: z.coerce.number().int().min(1).max(100).default(3),
    /**
     * Stripe secret key (or restricted key). Optional here: billing checks it when it is used
     * (`billingEnv()`), so an app without billing still boots. `npm run dev` and the e2e server set
     * it to the loopback simulator's key when it is unset.
     */
    STRIPE_SECRET_KEY: optionalString.pipe(
      z
        .string()
        .regex(/^(sk|rk)_(test|live)_\w+$/, "must be a Stripe secret key (sk_test_…, sk_live_… or rk_…)")
        .optional(),
    ),
    /** Signing secret of the webhook endpoint (whsec_…). Required when STRIPE_SECRET_KEY is set. */
    STRIPE_WEBHOOK_SECRET: optionalString.pipe(
      z.string().startsWith("whsec_", "must be a webhook signing secret (whsec_…)").optional(),
    ),
    /**
     * The SMTP server mail is sent through (lib/mail): smtp://user:pass@host:587 (STARTTLS when the
     * server offers it) or smtps://…:465. Required in production; unset elsewhere, mail waits in
     * the outbox (`npm run dev` and the e2e server point it at the local inbox, dev/mail-server).
     */
    SMTP_URL: optionalString.pipe(
      z
        .url({ error: "must be an smtp:// or smtps:// URL such as smtp://user:pass@smtp.example.com:587" })
        .refine(
          (v) => /^smtps?:\/\//.test(v),
          "must be an smtp:// or smtps:// URL such as smtp://user:pass@smtp.example.com:587",
        )
        .optional(),
    ),
    /** The sender of every mail, `Name <address>` or an address. Required in production. */
    MAIL_FROM: optionalString.pipe(
      z
        .string()
        .regex(
          /^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
          "must be an address or `Name <address>`, such as Tollgate <no-reply@example.com>",
        )
        .optional(),
    ),
    /**
     * Whether the catalog's prices include VAT (`inclusive`, the default: EU consumer prices are shown
     * with tax) or have it added at checkout (`exclusive`): the `tax_behavior` `stripe:sync` gives
     * the prices, and the "incl. VAT" / "+ VAT" next to them. Stripe Tax computes the tax itself.
     */
    TAX_MODE: taxMode,
    /**
     * Lets outgoing webhooks (lib/webhooks) reach loopback and private-network addresses: for
     * development and tests, whose receivers listen on 127.0.0.1. Off: such URLs are refused at
     * registration and every connection is checked (SSRF). Refused in production.
     */
    WEBHOOKS_ALLOW_PRIVATE_URLS: booleanString,
    /** Another Stripe API base URL (the loopback simulator); unset → api.stripe.com. */
    STRIPE_API_BASE: optionalString.pipe(
      z.url({ error: "must be an absolute URL such as http://127.0.0.1:12111" }).optional(),
    ),
  })
  .superRefine((env, ctx) => {
    for (const [id, secret] of [
      ["AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET"],
      ["AUTH_GOOGLE_ID", "AUTH_GOOGLE_SECRET"],
    ] as const) {
      if (Boolean(env[id]) !== Boolean(env[secret])) {
        const missing = env[id] ? secret : id;
        ctx.addIssue({ code: "custom", path: [missing], message: `is required when ${env[id] ? id : secret} is set` });
      }
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["STRIPE_WEBHOOK_SECRET"],
        message: "is required when STRIPE_SECRET_KEY is set (the webhook endpoint's signing secret, whsec_…)",
      });
    }
    if (env.STRIPE_SECRET_KEY?.includes("_live_") && env.STRIPE_API_BASE) {
      ctx.addIssue({
        code: "custom",
        path: ["STRIPE_API_BASE"],
        message: "must not be set with a live key (it points Stripe calls elsewhere)",
      });
    }
    if (env.NODE_ENV === "production") {
      // Without mail, nobody can verify an address or reset a password: refuse to boot without it.
      for (const name of ["SMTP_URL", "MAIL_FROM"] as const) {
        if (!env[name])
          ctx.addIssue({ code: "custom", path: [name], message: "is required in production (NODE_ENV=production)" });
      }
    }
    // The runners' hatch holds only for an app that lives on this machine: with a public APP_URL
    // (a deployment) it is refused itself, so setting it can never lift the refusals below there.
    if (env.NODE_ENV === "production" && env.TOLLGATE_LOOPBACK_RUN && !isLoopbackUrl(env.APP_URL)) {
      ctx.addIssue({
        code: "custom",
        path: ["TOLLGATE_LOOPBACK_RUN"],
        message:
          "is only for the test and bench runners on localhost; never set it with a public APP_URL (NODE_ENV=production)",
      });
    }
    if (env.NODE_ENV === "production" && !(env.TOLLGATE_LOOPBACK_RUN && isLoopbackUrl(env.APP_URL))) {
      // Settings that are only right on a developer's machine: each would give AI or tokens away
      // (bench routes, a simulated Stripe or OpenAI) or break links and the CSRF check (localhost).
      const refuse = (name: string, message: string) =>
        ctx.addIssue({ code: "custom", path: [name], message: `${message} (NODE_ENV=production)` });
      if (env.TOLLGATE_BENCH_ROUTES)
        refuse("TOLLGATE_BENCH_ROUTES", "must be off in production: the bench routes serve unmetered AI");
      if (env.STRIPE_API_BASE)
        refuse("STRIPE_API_BASE", "must not be set in production: it points Stripe calls away from api.stripe.com");
      if (env.OPENAI_API_KEY === SIMULATOR_API_KEY)
        refuse("OPENAI_API_KEY", "must not be the loopback simulator's key in production");
      if (env.OPENAI_ADMIN_KEY === SIMULATOR_ADMIN_KEY)
        refuse("OPENAI_ADMIN_KEY", "must not be the loopback simulator's admin key in production");
      if (isLoopbackUrl(env.APP_URL)) refuse("APP_URL", "must be the app's public URL in production, not localhost");
      if (env.WEBHOOKS_ALLOW_PRIVATE_URLS)
        refuse(
          "WEBHOOKS_ALLOW_PRIVATE_URLS",
          "must be off in production: it lets outgoing webhooks reach this machine and its private network",
        );
    }
  });

/** Whether a URL's host is this machine: localhost (and *.localhost), 127.0.0.0/8, [::1], 0.0.0.0. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]" || host === "[::]" || host === "0.0.0.0") return true;
  // WHATWG URL parsing normalises IPv4 forms (127.1, 0x7f.0.0.1, 2130706433) to dotted decimal.
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  // IPv4-mapped IPv6 loopback, e.g. [::ffff:127.0.0.1], which the parser writes as [::ffff:7f00:1].
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}

export type ServerEnv = z.infer<typeof serverSchema>;

/** Whether AI calls go to the loopback simulator (no OPENAI_API_KEY, or the key the dev runner sets). */
export function isSimulatedAI(e: ServerEnv = env()): boolean {
  return !e.OPENAI_API_KEY || e.OPENAI_API_KEY === SIMULATOR_API_KEY;
}

/** The key the dev and test runners give the app when they start the OpenAI simulator. */
export const SIMULATOR_API_KEY = "sk-tollgate-simulator";

/** The admin key the dev and test runners give the app for the simulator's organization Usage and Costs APIs. */
export const SIMULATOR_ADMIN_KEY = "sk-admin-tollgate-simulator";

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example.`);
    this.name = "EnvError";
  }
}

function describe(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join(".") || "(env)"} ${issue.message}`);
}

/** Parses an environment object; throws EnvError naming each bad variable. Pure, for tests. */
export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const result = serverSchema.safeParse(source);
  if (!result.success) throw new EnvError(describe(result.error));
  return result.data;
}

let cached: ServerEnv | undefined;

/**
 * The validated server environment, parsed on first use (not at import, so `next build` can
 * import server modules without a database). `instrumentation.ts` calls it at server start so a
 * misconfigured deployment fails at boot, not on the first request.
 */
export function env(): ServerEnv {
  cached ??= parseServerEnv(process.env);
  return cached;
}

export interface BillingEnv {
  secretKey: string;
  webhookSecret: string;
  /** Another API base (the simulator), or undefined for api.stripe.com. */
  apiBase: string | undefined;
}

/**
 * Stripe's settings, for code that uses billing. Billing is optional at boot (an app can run without
 * it), so the check happens here, on first use: without STRIPE_SECRET_KEY every billing path fails
 * with an EnvError naming it — in production too (there is no simulator fallback in the app itself;
 * only `npm run dev` and the e2e server start one and set the variables).
 */
export function billingEnv(e: ServerEnv = env()): BillingEnv {
  if (!e.STRIPE_SECRET_KEY || !e.STRIPE_WEBHOOK_SECRET) {
    throw new EnvError([
      `STRIPE_SECRET_KEY is required for billing (${e.NODE_ENV === "production" ? "set it and STRIPE_WEBHOOK_SECRET, see docs/STRIPE_SETUP.md" : "or start the app with `npm run dev`, which uses the Stripe simulator"})`,
    ]);
  }
  return { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiBase: e.STRIPE_API_BASE };
}

/** Whether billing is configured (the subscription page shows a notice instead of failing). */
export function billingConfigured(e: ServerEnv = env()): boolean {
  return Boolean(e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET);
}

/** OAuth providers are switched on only when both their variables are set. */
export function oauthProviders(e: ServerEnv = env()) {
  return {
    github:
      e.AUTH_GITHUB_ID && e.AUTH_GITHUB_SECRET
        ? { clientId: e.AUTH_GITHUB_ID, clientSecret: e.AUTH_GITHUB_SECRET }
        : null,
    google:
      e.AUTH_GOOGLE_ID && e.AUTH_GOOGLE_SECRET
        ? { clientId: e.AUTH_GOOGLE_ID, clientSecret: e.AUTH_GOOGLE_SECRET }
        : null,
  };
}

const logSchema = z
  .object({ NODE_ENV: nodeEnv, LOG_LEVEL: optionalString.pipe(logLevel.optional()) })
  .transform(({ NODE_ENV, LOG_LEVEL }) => ({
    // The test runs stay readable: their expected failures log at info, which only they would see.
    level: LOG_LEVEL ?? (NODE_ENV === "test" ? "warn" : "info"),
    // Pretty lines on a developer's terminal; one JSON object a line wherever logs are collected.
    pretty: NODE_ENV === "development",
  }));

/**
 * The logger's settings, read apart from the full environment: a module may log before (or
 * without) the rest of it being valid — a script, a test, a failing boot. The full environment
 * (`env()`) validates LOG_LEVEL too, so a bad value still stops the server at boot.
 */
export function logEnv(source: Record<string, string | undefined> = process.env): { level: LogLevel; pretty: boolean } {
  const result = logSchema.safeParse(source);
  if (!result.success) throw new EnvError(describe(result.error));
  return result.data;
}

const toolingSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  TEST_DATABASE_URL: postgresUrl.optional(),
  /**
   * With TEST_DATABASE_URL behind a pooler (`npm run test:pgbouncer`): the server itself, for the
   * template's migration and each test file's CREATE/DROP DATABASE, and for what needs a session.
   */
  TEST_DIRECT_DATABASE_URL: postgresUrl.optional(),
  /** The integration tests' pools follow it as the app's does (off behind PgBouncer < 1.21). */
  DATABASE_PREPARED_STATEMENTS: preparedStatements,
  /** First port tried for the embedded PostgreSQL; the next free one is used when it is taken. */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Port of the production server started for the end-to-end tests. */
  E2E_PORT: z.coerce.number().int().min(1024).max(64000).default(3100),
  /** Chromium for the end-to-end tests: Debian's package (Playwright's download is unreachable here). */
  CHROMIUM_PATH: z.string().min(1).default("/usr/bin/chromium"),
  CI: booleanString,
});

/** Variables read by the dev/test tooling in scripts/ (before the app's own env exists). */
export function toolingEnv(source: Record<string, string | undefined> = process.env) {
  const result = toolingSchema.safeParse(source);
  if (!result.success) throw new EnvError(describe(result.error));
  return result.data;
}

const taxSchema = z.object({ TAX_MODE: taxMode });

/** TAX_MODE alone, for the scripts that sync the catalog outside the app's full environment. */
export function taxEnv(source: Record<string, string | undefined> = process.env): { TAX_MODE: TaxMode } {
  const result = taxSchema.safeParse(source);
  if (!result.success) throw new EnvError(describe(result.error));
  return result.data;
}

const reconciliationSchema = z.object({
  OPENAI_ADMIN_KEY: openaiAdminKey,
  OPENAI_BASE_URL: z.url({ error: "must be an absolute URL such as https://api.openai.com/v1" }).optional(),
});

/** The variables `npm run costs:reconcile` needs (the script runs outside the app's full environment). */
export function reconciliationEnv(source: Record<string, string | undefined> = process.env) {
  const result = reconciliationSchema.safeParse(source);
  if (!result.success) throw new EnvError(describe(result.error));
  return result.data;
}

const otlpUrl = z.url({ error: "must be an absolute URL such as http://localhost:4318" }).optional();
const tracingSchema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(otlpUrl),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString.pipe(otlpUrl),
  OTEL_SDK_DISABLED: booleanString,
});

/**
 * Whether the server exports traces: an OTLP endpoint is set (read, with the other OTEL_* variables,
 * by @vercel/otel itself) and the SDK is not disabled. Without one no SDK is registered, so the
 * metering spans stay no-ops (lib/tokens/metering/trace.ts).
 */
export function tracingEnv(source: Record<string, string | undefined> = process.env): { export: boolean } {
  const result = tracingSchema.safeParse(source);
  if (!result.success) throw new EnvError(describe(result.error));
  const { OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SDK_DISABLED } = result.data;
  return { export: Boolean(OTEL_EXPORTER_OTLP_ENDPOINT || OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && !OTEL_SDK_DISABLED };
}
