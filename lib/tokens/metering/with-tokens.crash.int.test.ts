// A database crash while holds are in flight (issue 19, "hold fast, charge durably"). Holds commit
// asynchronously, so a crash of PostgreSQL may lose the last ones; settles are durable. This test
// runs its own durable PostgreSQL (fsync and synchronous_commit on, as in production — not the suite's
// throwaway server, since it kills it): many metered calls through the real pipeline and wrapper
// hold their worst case, PostgreSQL's postmaster is killed with SIGKILL while their model calls run
// and more holds are in flight, it is restarted on the same data folder, and the calls finish.
// What must hold: every call that got an answer is charged exactly once (also when its hold was
// lost), every call refused while the database was down is charged nothing, and the ledger
// invariant is clean.
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createDb, createPool, type Db } from "@/lib/db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { prepareDatabase } from "@/scripts/lib/database";
import { fakeChunkReader, userWithBalance, wordCostEngine, type WordUsage } from "@/test/metering/fixtures";
import { sweepExpiredReservations, verifyLedger } from "../ledger";
import { LedgerPipeline } from "../ledger/pipeline";
import { createWithTokens } from "./with-tokens";

const dataDir = path.join(process.cwd(), ".data", `crash-${process.pid}-${randomBytes(4).toString("hex")}`, "pg");
let server: EmbeddedDatabase | null = null;
let port = 0;
let pool: ReturnType<typeof createPool>;
let db: Db;

/** A port no one listens on now (the server must come back on the same one). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const start = () => startEmbeddedPostgres({ dataDir, database: "tollgate_crash", port, ephemeral: false });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  port = await freePort();
  server = await start();
  await prepareDatabase(server.url, () => {});
  pool = createPool(server.url, 20);
  // A connection the crash kills must not take the test process down with it.
  pool.on("error", () => {});
  db = createDb(pool);
}, 60_000);

afterAll(async () => {
  await db?.$disconnect().catch(() => {});
  await pool?.end().catch(() => {});
  await server?.stop();
  rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

/** SIGKILL to the postmaster (its children then die on their own), as a machine's crash would. */
async function crash(): Promise<void> {
  const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  process.kill(pid, "SIGKILL");
  server = null; // its process is gone: nothing to stop
}

/** Restarts on the same data folder and port, once the old backends have gone (crash recovery). */
async function restart(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      server = await start();
      if (server.port !== port) throw new Error(`came back on port ${server.port}, not ${port}`);
      return;
    } catch (error) {
      if (attempt >= 40) throw error;
      await sleep(250);
    }
  }
}

const input = z.object({ prompt: z.string().min(1) });
const estimate = () => ({ model: "test-model", inputTokens: 3, worstCase: 3n + 10n * 20n });

describe("a database crash while holds are in flight", () => {
  it("charges every call that got an answer exactly once, charges nothing for the refused ones, and keeps the invariant", async () => {
    const users: string[] = [];
    for (let i = 0; i < 20; i++) users.push(await userWithBalance(db, 100_000n, "crash"));
    const pipeline = new LedgerPipeline({ pool, db, lanes: 2 });
    let signedIn = 0;
    const userOf = new Map<string, string>();
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let entered = 0;
    const withTokens = createWithTokens<WordUsage>({
      db: () => db,
      ledger: () => pipeline,
      currentUserId: async () => users[signedIn++ % users.length]!,
      pricing: async () => ({ context: { version: 1 }, engine: wordCostEngine }),
      upgradeUrl: "/settings/subscription",
      rateLimit: false,
      // Every settle waits for the database to come back and lands before its answer.
      settleRetry: { waitMs: 25_000, firstDelayMs: 50, maxDelayMs: 250 },
      chunkReader: fakeChunkReader,
    });
    const route = withTokens(
      "crash",
      async ({ meter, userId }) => {
        entered++;
        userOf.set(meter.requestId, userId);
        await gate; // the model call runs across the crash
        meter.recordText("test-model", { inputTokens: 3, outputTokens: 7 }); // 73 millitokens
        return { id: meter.requestId };
      },
      { input, estimate },
    );
    const call = async () => {
      const response = await route(
        new Request("http://localhost/api/ai/crash", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ prompt: "one two three" }),
        }),
      );
      return { status: response.status, body: (await response.json()) as { id?: string; error?: string } };
    };

    // Wave 1: 150 calls hold and wait in their model call. Wave 2: 150 more, their holds in flight
    // when the postmaster is killed.
    const wave1 = Array.from({ length: 150 }, call);
    for (let i = 0; entered < 150; i++) {
      if (i > 400) throw new Error(`only ${entered} of 150 calls got their hold`);
      await sleep(10);
    }
    const wave2 = Array.from({ length: 150 }, call);
    await sleep(2);
    await crash();
    await sleep(300);
    await restart();
    openGate();
    const answers = await Promise.all([...wave1, ...wave2]);

    const ran = new Set(userOf.keys());
    const answered = answers.filter((a) => a.status === 200).map((a) => a.body.id!);
    const refused = answers.filter((a) => a.status !== 200);
    // Every call whose model ran got its answer; every other one a 503 from the hold.
    expect(new Set(answered)).toEqual(ran);
    expect(answered.length).toBeGreaterThanOrEqual(150);
    for (const r of refused) expect([r.status, r.body.error]).toEqual([503, "unavailable"]);

    // Charged exactly once each: one consume row per answered call, of its exact cost, to its user.
    const rows = await db.tokenTransaction.findMany({ where: { kind: "consume", userId: { in: users } } });
    expect(rows.map((row) => row.sourceRef).sort()).toEqual([...answered].sort());
    for (const row of rows) {
      expect(row.costMicroUsd).toBe(73n);
      expect(row.userId).toBe(userOf.get(row.sourceRef!));
    }
    // Holds whose caller was refused (committed, their answer lost with the connection) expire.
    await sweepExpiredReservations(db, new Date(Date.now() + 3_600_000));
    const balances = await db.userTokenBalance.findMany({ where: { userId: { in: users } } });
    for (const b of balances) expect(b.reserved).toBe(0n);
    expect((await verifyLedger(db)).mismatches).toEqual([]);

    // How many holds the crash lost (their reservation row was written by the settle, after it).
    const [{ lost } = { lost: 0 }] = await db.$queryRawUnsafe<{ lost: number }[]>(
      `SELECT count(*)::int AS lost FROM token_reservations WHERE status = 'settled' AND created_at = finished_at`,
    );
    console.log(
      `crash: ${answered.length} answered and charged once, ${refused.length} refused with 503; ${lost} holds lost and charged`,
    );
  }, 60_000);
});
