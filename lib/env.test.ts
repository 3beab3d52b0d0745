import { describe, expect, it } from "vitest";
import {
  EnvError,
  isLoopbackUrl,
  logEnv,
  oauthProviders,
  parseServerEnv,
  reconciliationEnv,
  SIMULATOR_ADMIN_KEY,
  SIMULATOR_API_KEY,
  taxEnv,
  toolingEnv,
} from "./env";

const SECRET = "s".repeat(32);
const MAIL = { SMTP_URL: "smtps://mailer:pw@smtp.example.com:465", MAIL_FROM: "Tollgate <no-reply@example.com>" };
const VALID = { DATABASE_URL: "postgresql://app:pw@db.internal:5432/tollgate", AUTH_SECRET: SECRET, ...MAIL };

/** The EnvError thrown for `source` (fails the test when nothing is thrown). */
function envError(source: Record<string, string | undefined>): EnvError {
  try {
    parseServerEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return error as EnvError;
  }
  throw new Error("parseServerEnv accepted an invalid environment");
}

describe("parseServerEnv", () => {
  it("accepts the minimal environment and fills in the defaults", () => {
    expect(parseServerEnv(VALID)).toEqual({
      NODE_ENV: "development",
      DATABASE_URL: VALID.DATABASE_URL,
      DATABASE_POOL_MAX: 10,
      DATABASE_PREPARED_STATEMENTS: "on",
      LEDGER_LANES: 2,
      AUTH_SECRET: SECRET,
      AUTH_TRUST_HOST: false,
      APP_URL: "http://localhost:3000",
      OPENAI_TIMEOUT_MS: 120_000,
      METER_RATE_LIMIT_PER_MINUTE: 60,
      LOW_BALANCE_PERCENT: 10,
      ADMIN_USD_TO_EUR: "0.92",
      TOLLGATE_BENCH_ROUTES: false,
      TOLLGATE_LOOPBACK_RUN: false,
      TRUSTED_PROXY_HOPS: 0,
      WEBHOOKS_ALLOW_PRIVATE_URLS: false,
      SIGNUP_LIMIT_PER_IP_PER_HOUR: 10,
      SIGNUP_LIMIT_PER_HOUR: 500,
      SIGNIN_LIMIT_PER_IP_PER_15_MIN: 30,
      SIGNIN_LIMIT_PER_15_MIN: 3_000,
      LIVE_STREAMS_PER_USER: 3,
      TAX_MODE: "inclusive",
      ...MAIL,
    });
  });

  it("takes TAX_MODE inclusive (default, also when blank) or exclusive, and names anything else", () => {
    expect(parseServerEnv({ ...VALID, TAX_MODE: "exclusive" }).TAX_MODE).toBe("exclusive");
    expect(parseServerEnv({ ...VALID, TAX_MODE: "" }).TAX_MODE).toBe("inclusive");
    expect(envError({ ...VALID, TAX_MODE: "included" }).problems[0]).toBe("TAX_MODE must be inclusive or exclusive");
    expect(taxEnv({ TAX_MODE: "exclusive" }).TAX_MODE).toBe("exclusive");
    expect(taxEnv({}).TAX_MODE).toBe("inclusive");
  });

  it("validates LOG_LEVEL against pino's levels (silent included; empty is unset)", () => {
    for (const level of ["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      expect(parseServerEnv({ ...VALID, LOG_LEVEL: level }).LOG_LEVEL).toBe(level);
    expect(parseServerEnv({ ...VALID, LOG_LEVEL: "" }).LOG_LEVEL).toBeUndefined();
    for (const bad of ["verbose", "WARN", "30"])
      expect(envError({ ...VALID, LOG_LEVEL: bad }).problems[0]).toMatch(/^LOG_LEVEL must be one of fatal, error/);
  });

  it("validates OPENAI_TIMEOUT_MS (100 ms to 10 minutes)", () => {
    expect(parseServerEnv({ ...VALID, OPENAI_TIMEOUT_MS: "30000" }).OPENAI_TIMEOUT_MS).toBe(30_000);
    for (const bad of ["50", "600001", "soon"])
      expect(envError({ ...VALID, OPENAI_TIMEOUT_MS: bad }).problems[0]).toMatch(/^OPENAI_TIMEOUT_MS /);
  });

  it("validates the admin EUR per USD rate (a positive decimal)", () => {
    expect(parseServerEnv({ ...VALID, ADMIN_USD_TO_EUR: "0.8765" }).ADMIN_USD_TO_EUR).toBe("0.8765");
    for (const bad of ["0", "0.00", "-1", "1e3", "abc", "0.1234567"]) {
      expect(envError({ ...VALID, ADMIN_USD_TO_EUR: bad }).problems[0]).toMatch(/^ADMIN_USD_TO_EUR /);
    }
  });

  it("validates the low-balance threshold (a whole percentage)", () => {
    expect(parseServerEnv({ ...VALID, LOW_BALANCE_PERCENT: "25" }).LOW_BALANCE_PERCENT).toBe(25);
    expect(parseServerEnv({ ...VALID, LOW_BALANCE_PERCENT: "0" }).LOW_BALANCE_PERCENT).toBe(0);
    for (const bad of ["101", "-1", "7.5", "ten"]) {
      expect(envError({ ...VALID, LOW_BALANCE_PERCENT: bad }).problems[0]).toMatch(/^LOW_BALANCE_PERCENT /);
    }
  });

  it("validates the AI settings", () => {
    expect(
      parseServerEnv({
        ...VALID,
        OPENAI_API_KEY: "sk-x",
        OPENAI_BASE_URL: "http://127.0.0.1:4010/v1",
        METER_RATE_LIMIT_PER_MINUTE: "0",
      }),
    ).toMatchObject({
      OPENAI_API_KEY: "sk-x",
      OPENAI_BASE_URL: "http://127.0.0.1:4010/v1",
      METER_RATE_LIMIT_PER_MINUTE: 0,
    });
    expect(envError({ ...VALID, OPENAI_BASE_URL: "not a url" }).problems).toEqual([
      "OPENAI_BASE_URL must be an absolute URL such as https://api.openai.com/v1",
    ]);
    expect(envError({ ...VALID, METER_RATE_LIMIT_PER_MINUTE: "-1" }).problems[0]).toMatch(
      /^METER_RATE_LIMIT_PER_MINUTE /,
    );
  });

  it("takes an OpenAI admin key (sk-admin-…) or none, and names anything else", () => {
    expect(parseServerEnv({ ...VALID, OPENAI_ADMIN_KEY: "sk-admin-abc" }).OPENAI_ADMIN_KEY).toBe("sk-admin-abc");
    expect(parseServerEnv({ ...VALID, OPENAI_ADMIN_KEY: " " }).OPENAI_ADMIN_KEY).toBeUndefined();
    const message =
      "OPENAI_ADMIN_KEY must be an OpenAI admin key (sk-admin-…), created at https://platform.openai.com/settings/organization/admin-keys";
    expect(envError({ ...VALID, OPENAI_ADMIN_KEY: "sk-proj-abc" }).problems).toEqual([message]);
    expect(reconciliationEnv({ OPENAI_ADMIN_KEY: "sk-admin-x" })).toEqual({
      OPENAI_ADMIN_KEY: "sk-admin-x",
      OPENAI_BASE_URL: undefined,
    });
    expect(() => reconciliationEnv({ OPENAI_ADMIN_KEY: "sk-proj-abc" })).toThrow(message);
    expect(
      envError({
        ...VALID,
        NODE_ENV: "production",
        APP_URL: "https://tollgate.example.com",
        OPENAI_ADMIN_KEY: SIMULATOR_ADMIN_KEY,
      }).problems,
    ).toEqual(["OPENAI_ADMIN_KEY must not be the loopback simulator's admin key in production (NODE_ENV=production)"]);
  });

  it("names every missing required variable, with how to fix it", () => {
    const error = envError({});
    expect(error.problems).toEqual([
      "DATABASE_URL is required (a postgresql:// connection string)",
      "AUTH_SECRET is required: generate one with `openssl rand -base64 32`",
    ]);
    expect(error.message).toContain("DATABASE_URL");
    expect(error.message).toContain("AUTH_SECRET");
    expect(error.message).toContain(".env.example");
  });

  it("refuses a DATABASE_URL that is not a postgres URL", () => {
    expect(envError({ ...VALID, DATABASE_URL: "mysql://u:p@h/db" }).problems).toEqual([
      "DATABASE_URL must be a postgresql:// connection string",
    ]);
  });

  it("accepts both postgres:// and postgresql://", () => {
    expect(parseServerEnv({ ...VALID, DATABASE_URL: "postgres://u@h/db" }).DATABASE_URL).toBe("postgres://u@h/db");
  });

  it("refuses an AUTH_SECRET shorter than 32 characters, and takes one of exactly 32", () => {
    expect(envError({ ...VALID, AUTH_SECRET: "s".repeat(31) }).problems).toEqual([
      "AUTH_SECRET must be at least 32 characters: generate one with `openssl rand -base64 32`",
    ]);
    expect(parseServerEnv({ ...VALID, AUTH_SECRET: "s".repeat(32) }).AUTH_SECRET).toBe("s".repeat(32));
  });

  it("names AUTH_GITHUB_SECRET when only the GitHub id is set", () => {
    expect(envError({ ...VALID, AUTH_GITHUB_ID: "gh-id" }).problems).toEqual([
      "AUTH_GITHUB_SECRET is required when AUTH_GITHUB_ID is set",
    ]);
  });

  it("names AUTH_GOOGLE_ID when only the Google secret is set", () => {
    expect(envError({ ...VALID, AUTH_GOOGLE_SECRET: "g-secret" }).problems).toEqual([
      "AUTH_GOOGLE_ID is required when AUTH_GOOGLE_SECRET is set",
    ]);
  });

  it("treats a blank OAuth variable as unset", () => {
    const e = parseServerEnv({ ...VALID, AUTH_GITHUB_ID: "  ", AUTH_GITHUB_SECRET: "" });
    expect(e.AUTH_GITHUB_ID).toBeUndefined();
    expect(e.AUTH_GITHUB_SECRET).toBeUndefined();
    expect(envError({ ...VALID, AUTH_GITHUB_ID: "gh-id", AUTH_GITHUB_SECRET: " " }).problems).toEqual([
      "AUTH_GITHUB_SECRET is required when AUTH_GITHUB_ID is set",
    ]);
  });

  it("refuses a relative APP_URL and an out-of-range pool size", () => {
    expect(envError({ ...VALID, APP_URL: "tollgate.example.com" }).problems).toEqual([
      "APP_URL must be an absolute URL such as http://localhost:3000",
    ]);
    expect(envError({ ...VALID, DATABASE_POOL_MAX: "0" }).problems[0]).toMatch(/^DATABASE_POOL_MAX /);
    expect(envError({ ...VALID, DATABASE_POOL_MAX: "101" }).problems[0]).toMatch(/^DATABASE_POOL_MAX /);
    expect(parseServerEnv({ ...VALID, DATABASE_POOL_MAX: "25" }).DATABASE_POOL_MAX).toBe(25);
    expect(envError({ ...VALID, LEDGER_LANES: "0" }).problems[0]).toMatch(/^LEDGER_LANES /);
    expect(envError({ ...VALID, LEDGER_LANES: "1.5" }).problems[0]).toMatch(/^LEDGER_LANES /);
    expect(parseServerEnv({ ...VALID, LEDGER_LANES: "4" }).LEDGER_LANES).toBe(4);
  });

  it("reads AUTH_TRUST_HOST as a boolean and refuses anything else", () => {
    expect(parseServerEnv({ ...VALID, AUTH_TRUST_HOST: "true" }).AUTH_TRUST_HOST).toBe(true);
    expect(parseServerEnv({ ...VALID, AUTH_TRUST_HOST: "1" }).AUTH_TRUST_HOST).toBe(true);
    expect(parseServerEnv({ ...VALID, AUTH_TRUST_HOST: "false" }).AUTH_TRUST_HOST).toBe(false);
    expect(parseServerEnv({ ...VALID, AUTH_TRUST_HOST: "0" }).AUTH_TRUST_HOST).toBe(false);
    expect(envError({ ...VALID, AUTH_TRUST_HOST: "yes" }).problems[0]).toMatch(/^AUTH_TRUST_HOST /);
  });

  it("takes a CRON_SECRET of 16 characters or more, treats a blank one as unset, and names a short one", () => {
    expect(parseServerEnv({ ...VALID, CRON_SECRET: "c".repeat(16) }).CRON_SECRET).toBe("c".repeat(16));
    expect(parseServerEnv({ ...VALID, CRON_SECRET: " " }).CRON_SECRET).toBeUndefined();
    expect(envError({ ...VALID, CRON_SECRET: "short" }).message).toMatch(/CRON_SECRET.*at least 16 characters/);
  });

  it("takes DATABASE_PREPARED_STATEMENTS as on or off only", () => {
    expect(parseServerEnv({ ...VALID, DATABASE_PREPARED_STATEMENTS: "off" }).DATABASE_PREPARED_STATEMENTS).toBe("off");
    expect(envError({ ...VALID, DATABASE_PREPARED_STATEMENTS: "auto" }).message).toMatch(
      /DATABASE_PREPARED_STATEMENTS.*must be on or off/,
    );
  });

  it("takes a DIRECT_DATABASE_URL only as a postgres URL", () => {
    expect(parseServerEnv({ ...VALID, DIRECT_DATABASE_URL: "postgres://a@b/c" }).DIRECT_DATABASE_URL).toBe(
      "postgres://a@b/c",
    );
    expect(envError({ ...VALID, DIRECT_DATABASE_URL: "mysql://a@b/c" }).message).toMatch(/DIRECT_DATABASE_URL/);
  });

  it("refuses an unknown NODE_ENV", () => {
    expect(envError({ ...VALID, NODE_ENV: "staging" }).problems[0]).toMatch(/^NODE_ENV /);
  });
});

describe("production settings", () => {
  const PROD = { ...VALID, NODE_ENV: "production", APP_URL: "https://tollgate.example.com" };

  it("accepts a production environment with none of the development settings", () => {
    expect(parseServerEnv(PROD)).toMatchObject({ NODE_ENV: "production", APP_URL: "https://tollgate.example.com" });
    expect(parseServerEnv({ ...PROD, OPENAI_API_KEY: "sk-real" }).OPENAI_API_KEY).toBe("sk-real");
  });

  it("refuses the bench routes, naming TOLLGATE_BENCH_ROUTES", () => {
    expect(envError({ ...PROD, TOLLGATE_BENCH_ROUTES: "1" }).problems).toEqual([
      "TOLLGATE_BENCH_ROUTES must be off in production: the bench routes serve unmetered AI (NODE_ENV=production)",
    ]);
  });

  it("refuses STRIPE_API_BASE, with a test key too", () => {
    expect(
      envError({
        ...PROD,
        STRIPE_SECRET_KEY: "sk_test_abc",
        STRIPE_WEBHOOK_SECRET: "whsec_x",
        STRIPE_API_BASE: "http://127.0.0.1:12111",
      }).problems,
    ).toEqual([
      "STRIPE_API_BASE must not be set in production: it points Stripe calls away from api.stripe.com (NODE_ENV=production)",
    ]);
  });

  it("refuses private webhook URLs, naming WEBHOOKS_ALLOW_PRIVATE_URLS (off is fine)", () => {
    expect(envError({ ...PROD, WEBHOOKS_ALLOW_PRIVATE_URLS: "true" }).problems).toEqual([
      "WEBHOOKS_ALLOW_PRIVATE_URLS must be off in production: it lets outgoing webhooks reach this machine and its private network (NODE_ENV=production)",
    ]);
    expect(parseServerEnv({ ...PROD, WEBHOOKS_ALLOW_PRIVATE_URLS: "false" }).WEBHOOKS_ALLOW_PRIVATE_URLS).toBe(false);
    expect(parseServerEnv({ ...VALID, WEBHOOKS_ALLOW_PRIVATE_URLS: "true" }).WEBHOOKS_ALLOW_PRIVATE_URLS).toBe(true);
  });

  it("refuses the OpenAI simulator's key, naming OPENAI_API_KEY", () => {
    expect(envError({ ...PROD, OPENAI_API_KEY: SIMULATOR_API_KEY }).problems).toEqual([
      "OPENAI_API_KEY must not be the loopback simulator's key in production (NODE_ENV=production)",
    ]);
  });

  it("refuses APP_URL on localhost in every spelling, and the default APP_URL", () => {
    const message = "APP_URL must be the app's public URL in production, not localhost (NODE_ENV=production)";
    expect(envError({ ...VALID, NODE_ENV: "production" }).problems).toEqual([message]);
    for (const url of [
      "http://localhost:3000",
      "https://LOCALHOST.",
      "http://app.localhost",
      "http://127.0.0.1:3000",
      "http://127.8.9.10",
      "http://127.1",
      "http://2130706433",
      "http://[::1]:3000",
      "http://[::ffff:127.0.0.1]",
      "http://0.0.0.0:3000",
    ]) {
      expect(envError({ ...PROD, APP_URL: url }).problems, url).toEqual([message]);
    }
    expect(parseServerEnv({ ...PROD, APP_URL: "http://128.0.0.1" }).APP_URL).toBe("http://128.0.0.1");
    expect(parseServerEnv({ ...PROD, APP_URL: "https://localhost.example.com" }).APP_URL).toBe(
      "https://localhost.example.com",
    );
  });

  it("names every refused variable at once", () => {
    const problems = envError({
      ...VALID,
      NODE_ENV: "production",
      TOLLGATE_BENCH_ROUTES: "true",
      STRIPE_API_BASE: "http://127.0.0.1:1",
      OPENAI_API_KEY: SIMULATOR_API_KEY,
    }).problems;
    expect(problems.map((p) => p.split(" ")[0])).toEqual([
      "TOLLGATE_BENCH_ROUTES",
      "STRIPE_API_BASE",
      "OPENAI_API_KEY",
      "APP_URL",
    ]);
  });

  it("allows all of them outside production, and in the loopback runs of the e2e and bench runners", () => {
    const dev = {
      TOLLGATE_BENCH_ROUTES: "1",
      STRIPE_API_BASE: "http://127.0.0.1:1",
      OPENAI_API_KEY: SIMULATOR_API_KEY,
      APP_URL: "http://localhost:3000",
    };
    expect(parseServerEnv({ ...VALID, ...dev, NODE_ENV: "development" }).TOLLGATE_BENCH_ROUTES).toBe(true);
    expect(parseServerEnv({ ...VALID, ...dev, NODE_ENV: "test" }).TOLLGATE_BENCH_ROUTES).toBe(true);
    expect(
      parseServerEnv({ ...VALID, ...dev, NODE_ENV: "production", TOLLGATE_LOOPBACK_RUN: "1" }).TOLLGATE_BENCH_ROUTES,
    ).toBe(true);
  });

  it("refuses the runners' hatch itself in a deployment (a public APP_URL), so it lifts nothing there", () => {
    const problems = envError({
      ...VALID,
      NODE_ENV: "production",
      TOLLGATE_LOOPBACK_RUN: "1",
      APP_URL: "https://tollgate.example.com",
      TOLLGATE_BENCH_ROUTES: "1",
    }).problems;
    expect(problems.map((p) => p.split(" ")[0])).toEqual(["TOLLGATE_LOOPBACK_RUN", "TOLLGATE_BENCH_ROUTES"]);
  });
});

describe("isLoopbackUrl", () => {
  it("is false for public hosts and unparsable strings", () => {
    expect(isLoopbackUrl("https://tollgate.example.com")).toBe(false);
    expect(isLoopbackUrl("http://10.0.0.1")).toBe(false);
    expect(isLoopbackUrl("not a url")).toBe(false);
  });
});

describe("abuse limits", () => {
  it("reads TRUSTED_PROXY_HOPS and the sign-up/sign-in and live stream limits, and names a bad one", () => {
    expect(
      parseServerEnv({
        ...VALID,
        TRUSTED_PROXY_HOPS: "1",
        SIGNUP_LIMIT_PER_IP_PER_HOUR: "0",
        LIVE_STREAMS_PER_USER: "5",
      }),
    ).toMatchObject({
      TRUSTED_PROXY_HOPS: 1,
      SIGNUP_LIMIT_PER_IP_PER_HOUR: 0,
      LIVE_STREAMS_PER_USER: 5,
    });
    expect(envError({ ...VALID, TRUSTED_PROXY_HOPS: "-1" }).problems[0]).toMatch(/^TRUSTED_PROXY_HOPS /);
    expect(envError({ ...VALID, TRUSTED_PROXY_HOPS: "yes" }).problems[0]).toMatch(/^TRUSTED_PROXY_HOPS /);
    expect(envError({ ...VALID, LIVE_STREAMS_PER_USER: "0" }).problems[0]).toMatch(/^LIVE_STREAMS_PER_USER /);
    expect(envError({ ...VALID, SIGNIN_LIMIT_PER_IP_PER_15_MIN: "1.5" }).problems[0]).toMatch(
      /^SIGNIN_LIMIT_PER_IP_PER_15_MIN /,
    );
  });
});

describe("oauthProviders", () => {
  it("is off for every provider when nothing is configured", () => {
    expect(oauthProviders(parseServerEnv(VALID))).toEqual({ github: null, google: null });
  });

  it("switches on exactly the providers whose id and secret are both set", () => {
    const e = parseServerEnv({ ...VALID, AUTH_GITHUB_ID: "gh-id", AUTH_GITHUB_SECRET: "gh-secret" });
    expect(oauthProviders(e)).toEqual({ github: { clientId: "gh-id", clientSecret: "gh-secret" }, google: null });
    const both = parseServerEnv({
      ...VALID,
      AUTH_GITHUB_ID: "gh-id",
      AUTH_GITHUB_SECRET: "gh-secret",
      AUTH_GOOGLE_ID: "g-id",
      AUTH_GOOGLE_SECRET: "g-secret",
    });
    expect(oauthProviders(both)).toEqual({
      github: { clientId: "gh-id", clientSecret: "gh-secret" },
      google: { clientId: "g-id", clientSecret: "g-secret" },
    });
  });
});

describe("toolingEnv", () => {
  it("needs nothing and fills in the defaults", () => {
    const e = toolingEnv({});
    expect(e).toMatchObject({ EMBEDDED_PG_PORT: 54329, PORT: 3000, CI: false });
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.TEST_DATABASE_URL).toBeUndefined();
  });

  it("reads the variables the scripts use", () => {
    expect(
      toolingEnv({
        DATABASE_URL: "postgres://a@b/c",
        TEST_DATABASE_URL: "postgresql://t@h/d",
        EMBEDDED_PG_PORT: "6000",
        PORT: "3100",
        CI: "true",
      }),
    ).toMatchObject({
      DATABASE_URL: "postgres://a@b/c",
      TEST_DATABASE_URL: "postgresql://t@h/d",
      EMBEDDED_PG_PORT: 6000,
      PORT: 3100,
      CI: true,
    });
  });

  it("names the bad variable", () => {
    expect(() => toolingEnv({ TEST_DATABASE_URL: "sqlite://x" })).toThrow(
      /TEST_DATABASE_URL must be a postgresql:\/\/ connection string/,
    );
    expect(() => toolingEnv({ EMBEDDED_PG_PORT: "80" })).toThrow(/- EMBEDDED_PG_PORT /);
    expect(() => toolingEnv({ PORT: "http" })).toThrow(/- PORT /);
  });
});

describe("Stripe settings", () => {
  const KEYS = { STRIPE_SECRET_KEY: "sk_test_abc123", STRIPE_WEBHOOK_SECRET: "whsec_abc" };

  it("are optional at boot; billingEnv names the missing key when billing is used", async () => {
    const { billingEnv, billingConfigured } = await import("./env");
    const e = parseServerEnv({ ...VALID, NODE_ENV: "production", APP_URL: "https://tollgate.example.com" });
    expect(billingConfigured(e)).toBe(false);
    expect(() => billingEnv(e)).toThrow(/STRIPE_SECRET_KEY is required for billing/);
    const configured = parseServerEnv({ ...VALID, ...KEYS, STRIPE_API_BASE: "http://127.0.0.1:12111" });
    expect(billingConfigured(configured)).toBe(true);
    expect(billingEnv(configured)).toEqual({
      secretKey: "sk_test_abc123",
      webhookSecret: "whsec_abc",
      apiBase: "http://127.0.0.1:12111",
    });
  });

  it("need the webhook secret with the key, refuse bad formats and a live key pointed elsewhere", () => {
    expect(envError({ ...VALID, STRIPE_SECRET_KEY: "sk_test_abc" }).problems).toEqual([
      "STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set (the webhook endpoint's signing secret, whsec_…)",
    ]);
    expect(envError({ ...VALID, ...KEYS, STRIPE_SECRET_KEY: "pk_test_abc" }).problems[0]).toMatch(
      /^STRIPE_SECRET_KEY must be a Stripe secret key/,
    );
    expect(envError({ ...VALID, ...KEYS, STRIPE_WEBHOOK_SECRET: "abc" }).problems[0]).toMatch(
      /^STRIPE_WEBHOOK_SECRET must be/,
    );
    expect(
      envError({ ...VALID, ...KEYS, STRIPE_SECRET_KEY: "sk_live_abc", STRIPE_API_BASE: "http://127.0.0.1:1" }).problems,
    ).toEqual(["STRIPE_API_BASE must not be set with a live key (it points Stripe calls elsewhere)"]);
    expect(
      parseServerEnv({ ...VALID, STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "", STRIPE_API_BASE: "" }),
    ).toMatchObject({
      STRIPE_SECRET_KEY: undefined,
      STRIPE_API_BASE: undefined,
    });
  });
});

describe("logEnv", () => {
  it("defaults to info (warn under the tests), pretty only in development", () => {
    expect(logEnv({})).toEqual({ level: "info", pretty: true });
    expect(logEnv({ NODE_ENV: "production" })).toEqual({ level: "info", pretty: false });
    expect(logEnv({ NODE_ENV: "test" })).toEqual({ level: "warn", pretty: false });
    expect(logEnv({ NODE_ENV: "test", LOG_LEVEL: "silent" })).toEqual({ level: "silent", pretty: false });
    expect(logEnv({ NODE_ENV: "production", LOG_LEVEL: "debug" }).level).toBe("debug");
  });

  it("needs none of the server's other variables, and names a bad LOG_LEVEL", () => {
    expect(() => logEnv({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL must be one of/);
  });
});

describe("mail", () => {
  const withoutMail = { DATABASE_URL: VALID.DATABASE_URL, AUTH_SECRET: VALID.AUTH_SECRET };

  it("is optional outside production: mail then waits in the outbox", () => {
    const e = parseServerEnv({ ...withoutMail, NODE_ENV: "development" });
    expect(e.SMTP_URL).toBeUndefined();
    expect(e.MAIL_FROM).toBeUndefined();
  });

  it("is required in production, where nobody could verify an address or reset a password without it", () => {
    expect(
      envError({ ...withoutMail, NODE_ENV: "production", APP_URL: "https://tollgate.example.com" }).problems,
    ).toEqual([
      "SMTP_URL is required in production (NODE_ENV=production)",
      "MAIL_FROM is required in production (NODE_ENV=production)",
    ]);
  });

  it("takes smtp:// and smtps:// URLs and a sender with or without a name, and refuses anything else", () => {
    expect(parseServerEnv({ ...VALID, SMTP_URL: "smtp://127.0.0.1:1025", MAIL_FROM: "a@b.example" })).toMatchObject({
      SMTP_URL: "smtp://127.0.0.1:1025",
      MAIL_FROM: "a@b.example",
    });
    expect(envError({ ...VALID, SMTP_URL: "https://smtp.example.com" }).problems[0]).toMatch(
      /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    expect(envError({ ...VALID, MAIL_FROM: "Tollgate" }).problems[0]).toMatch(/^MAIL_FROM must be an address or/);
  });
});
