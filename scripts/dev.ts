// `npm run dev`: the database (embedded PostgreSQL in .data/pg unless DATABASE_URL is set),
// migrations and seed, the OpenAI and Stripe simulators when their keys are unset, the loopback mail
// server when SMTP_URL is unset, then `next dev`. Ctrl-C or SIGTERM stops Next first, then the database.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import exitHook from "async-exit-hook";
import nextEnv from "@next/env";
import { startOpenAISimulator } from "../dev/openai-simulator";
import { SIMULATOR_ADMIN_KEY, SIMULATOR_API_KEY, toolingEnv } from "../lib/env";
import { prepareDatabase, resolveDatabase } from "./lib/database";
import { startDevMail } from "./lib/mail-server";
import { startDevStripe } from "./lib/stripe-simulator";

const log = (line: string) => console.log(`[tollgate] ${line}`);

/** A development AUTH_SECRET, made once and kept in .data/ so sessions survive restarts. */
function devAuthSecret(): string {
  const file = path.join(process.cwd(), ".data", "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

async function main() {
  nextEnv.loadEnvConfig(process.cwd(), true);
  const database = await resolveDatabase(log);
  await prepareDatabase(database.url, log);

  // No OpenAI key: AI features talk to the loopback simulator (same SDK, same metering).
  const simulator = process.env.OPENAI_API_KEY ? null : await startOpenAISimulator({ port: 0, webrtc: true });
  if (simulator) log(`no OPENAI_API_KEY: AI calls go to the OpenAI simulator at ${simulator.url}`);

  // No Stripe key: billing talks to the loopback Stripe simulator, which sends signed webhooks to
  // this dev server (a fresh secret per run) and has the catalog synced into it.
  const port = Number(process.env.PORT) || toolingEnv().PORT;
  const stripe = process.env.STRIPE_SECRET_KEY
    ? null
    : await startDevStripe({ appUrl: `http://localhost:${port}`, databaseUrl: database.url, log });
  if (stripe)
    log(
      `no STRIPE_SECRET_KEY: billing uses the Stripe simulator at ${stripe.url} (its checkout page has a Pay button)`,
    );

  // No SMTP_URL: mail goes to the loopback mail server, whose inbox page shows every mail sent.
  const mail = process.env.SMTP_URL ? null : await startDevMail({ smtpPort: 1025, httpPort: 1080 });
  if (mail) log(`no SMTP_URL: mail goes to the local inbox at ${mail.server.inboxUrl}`);

  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [nextBin, "dev", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      AUTH_SECRET: process.env.AUTH_SECRET || devAuthSecret(),
      // Outgoing webhooks may go to a receiver on this machine (an integrator's local server).
      WEBHOOKS_ALLOW_PRIVATE_URLS: process.env.WEBHOOKS_ALLOW_PRIVATE_URLS ?? "true",
      // The simulator also serves the organization Usage and Costs APIs: cost reconciliation runs offline.
      ...(simulator
        ? { OPENAI_API_KEY: SIMULATOR_API_KEY, OPENAI_BASE_URL: simulator.url, OPENAI_ADMIN_KEY: SIMULATOR_ADMIN_KEY }
        : {}),
      ...(stripe ? { ...stripe.env, PORT: String(port) } : {}),
      ...(mail ? mail.env : {}),
    },
  });
  const childExited = new Promise<number>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 0 : 1))),
  );

  // On Ctrl-C / SIGTERM: stop Next, then the embedded database (its own exit hook runs alongside).
  exitHook((done) => {
    if (child.exitCode === null) child.kill("SIGTERM");
    childExited
      .then(() => Promise.all([database.stop(), simulator?.close(), stripe?.close(), mail?.close()]))
      .finally(done);
  });

  const code = await childExited;
  await Promise.all([database.stop(), simulator?.close(), stripe?.close(), mail?.close()]);
  process.exit(code);
}

main().catch((error) => {
  console.error(`[tollgate] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
