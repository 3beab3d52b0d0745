// The server the end-to-end tests run against (started by playwright.config.ts): a fresh embedded
// PostgreSQL, migrated and seeded, the OpenAI and Stripe simulators, the loopback mail server, and
// the production build (`next build` into .next-test, made by `npm test` — or here, when it is
// missing) served by TWO `next start` instances (on E2E_PORT+1 and +2) behind a round-robin proxy
// (haproxy, scripts/lib/round-robin-proxy.ts) on E2E_PORT: every spec runs as on several machines,
// the Stripe simulator's webhooks and APP_URL going through the proxy too. SIGTERM stops everything
// and wipes the database. The database URL, the cron secret, the Stripe simulator's URL, the mail
// inbox's URL and the instances' own URLs are written to .data/e2e-<port>/ for specs that inspect
// the ledger, drive renewals, read mails or address one instance.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import exitHook from "async-exit-hook";
import { startOpenAISimulator } from "../dev/openai-simulator";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { SIMULATOR_ADMIN_KEY, SIMULATOR_API_KEY } from "../lib/env";
import { prepareDatabase } from "./lib/database";
import { startDevMail } from "./lib/mail-server";
import { startRoundRobinProxy } from "./lib/round-robin-proxy";
import { startDevStripe } from "./lib/stripe-simulator";
import { E2E_DIST_DIR, e2eDataDir, e2ePort } from "../test/support/e2e-paths";

const log = (line: string) => console.log(`[e2e-server] ${line}`);
const port = e2ePort();
const dataDir = e2eDataDir(port);
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const nextEnv = { ...process.env, NEXT_DIST_DIR: E2E_DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" };

rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
const database = await startEmbeddedPostgres({
  dataDir: path.join(dataDir, "pg"),
  port: port + 1000,
  ephemeral: true,
  log,
});
await prepareDatabase(database.url, log);
writeFileSync(path.join(dataDir, "database-url"), database.url);
const cronSecret = randomBytes(24).toString("hex");
writeFileSync(path.join(dataDir, "cron-secret"), cronSecret);

const simulator = await startOpenAISimulator({ port: 0, webrtc: true });
log(`OpenAI simulator at ${simulator.url}`);

// A fresh Stripe simulator per run, sending signed webhooks to the server below; its URL is written
// next to the database URL for specs that drive it (renewals) through its control API.
const stripe = await startDevStripe({ appUrl: `http://localhost:${port}`, databaseUrl: database.url, log });
writeFileSync(path.join(dataDir, "stripe-simulator-url"), stripe.url);

// Every mail the app sends lands in a loopback inbox; specs read it through its JSON API
// (e2e/helpers.ts waitForMail) at the URL written here.
const mail = await startDevMail();
writeFileSync(path.join(dataDir, "mail-inbox-url"), mail.server.inboxUrl);
log(`mail server at ${mail.server.smtpUrl}, inbox at ${mail.server.inboxUrl}`);

if (!existsSync(path.join(E2E_DIST_DIR, "BUILD_ID"))) {
  log("no production build in .next-test: building");
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: nextEnv });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Two instances of one build on one database, sharing every secret, as two machines would.
const shared: NodeJS.ProcessEnv = {
  ...nextEnv,
  NODE_ENV: "production",
  // A production build against the loopback simulators on this machine: lifts lib/env.ts's
  // production refusals (simulator key, STRIPE_API_BASE, APP_URL on localhost).
  TOLLGATE_LOOPBACK_RUN: "1",
  DATABASE_URL: database.url,
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  AUTH_TRUST_HOST: "true",
  APP_URL: `http://localhost:${port}`,
  OPENAI_API_KEY: SIMULATOR_API_KEY,
  OPENAI_BASE_URL: simulator.url,
  OPENAI_ADMIN_KEY: SIMULATOR_ADMIN_KEY,
  CRON_SECRET: cronSecret,
  // Outgoing webhooks to the specs' loopback receiver (test/webhooks/receiver.ts, on 127.0.0.1).
  WEBHOOKS_ALLOW_PRIVATE_URLS: "true",
  ...stripe.env,
  ...mail.env,
};
const instances = [
  { name: "a", port: port + 1 },
  { name: "b", port: port + 2 },
];
const servers = instances.map(({ port: instancePort }) =>
  spawn(process.execPath, [nextBin, "start", "-p", String(instancePort), "-H", "127.0.0.1"], {
    stdio: "inherit",
    env: shared,
  }),
);
// Either instance exiting ends the run (Playwright then fails): a half-dead pair is not the set-up.
const serverExited = Promise.race(servers.map((s) => new Promise<void>((resolve) => s.once("exit", () => resolve()))));
const allExited = () =>
  Promise.all(servers.map((s) => (s.exitCode === null ? new Promise((r) => s.once("exit", r)) : null)));
await Promise.race([Promise.all(instances.map((i) => waitForHealth(i.port))), serverExited]);
if (servers.some((s) => s.exitCode !== null)) {
  log("an instance exited before it was healthy");
  await stopRest();
  process.exit(1);
}
writeFileSync(
  path.join(dataDir, "instance-urls"),
  JSON.stringify(Object.fromEntries(instances.map((i) => [i.name, `http://localhost:${i.port}`]))),
);
const proxy = await startRoundRobinProxy({ port, backends: instances, dataDir, log });

/** Stops the instances, then the database and the simulators. */
async function stopRest(): Promise<void> {
  for (const server of servers) if (server.exitCode === null) server.kill("SIGTERM");
  await allExited();
  await Promise.all([database.stop(), simulator.close(), stripe.close(), mail.close()]);
}

/** Resolves once the instance on `instancePort` answers /api/health (both must, before the proxy opens). */
async function waitForHealth(instancePort: number): Promise<void> {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${instancePort}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Once: the exit hook (SIGTERM from Playwright) and the path after `next start` exits both get here.
let stopping: Promise<void> | null = null;
function shutdown(): Promise<void> {
  stopping ??= (async () => {
    await proxy.close();
    await stopRest();
    rmSync(dataDir, { recursive: true, force: true });
  })();
  return stopping;
}

exitHook((done) => void shutdown().finally(done));
await serverExited;
log("next start exited");
await shutdown();
process.exit(1);
