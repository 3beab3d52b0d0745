// `npm run bench:body -- [megabytes]`: how much an unauthenticated, unsigned chunked POST
// grows the server. Starts the real webhook route handler in a child process (body-limit-server.ts),
// sends it `megabytes` (default 400) with Transfer-Encoding: chunked (no Content-Length) over
// loopback, and reports the child's peak resident memory (VmHWM) before and after, and the answer.
// Ends with `BENCH {json}`. Linux only (reads /proc).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { once } from "node:events";

const megabytes = Number(process.argv[2] ?? 400);
const CHUNK = Buffer.alloc(64 * 1024, 120);

const kib = (pid: number, field: "VmHWM" | "VmRSS") => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0);
};

const root = path.resolve(import.meta.dirname, "../..");
const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/bench/body-limit-server.ts")], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  // Enough configuration for the route to reach its signature check (no database or Stripe call is made).
  env: {
    ...process.env,
    TSX_TSCONFIG_PATH: "tsconfig.scripts.json", // server-only resolves to its empty module (see that file)
    NODE_ENV: "production",
    TOLLGATE_LOOPBACK_RUN: "1",
    DATABASE_URL: "postgresql://127.0.0.1:1/unused",
    AUTH_SECRET: "body-limit-bench-secret-of-32-characters",
    STRIPE_SECRET_KEY: "sk_test_bodylimit",
    STRIPE_WEBHOOK_SECRET: "whsec_bodylimit",
  },
});
const port = await new Promise<number>((resolve, reject) => {
  child.stdout!.on("data", (data: Buffer) => {
    const match = /PORT (\d+)/.exec(data.toString());
    if (match) resolve(Number(match[1]));
  });
  child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
});

/**
 * One POST of `bytes` in chunks, written whole even after the answer (as an attacker would): the
 * status and body, how many bytes were written before the answer, and in all.
 */
function post(bytes: number): Promise<{ status: number; body: string; sentBeforeAnswer: number; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let sentBeforeAnswer = -1;
    let answer: { status: number; body: string } | null = null;
    let written = false;
    const done = () => answer && written && resolve({ ...answer, sentBeforeAnswer, sent });
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/stripe/webhook",
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      },
      (res) => {
        sentBeforeAnswer = sent;
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("end", () => {
          answer = { status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() };
          done();
        });
      },
    );
    req.on("error", (error) => {
      if (!answer) return reject(error);
      written = true; // the server closed the connection after answering
      done();
    });
    const write = () => {
      while (sent < bytes) {
        sent += CHUNK.length;
        if (!req.write(CHUNK)) return void req.once("drain", write);
      }
      req.end(() => {
        written = true;
        done();
      });
    };
    write();
  });
}

await post(1_000); // warm up: the route module, JIT
await new Promise((r) => setTimeout(r, 200));
const before = { hwmKiB: kib(child.pid!, "VmHWM"), rssKiB: kib(child.pid!, "VmRSS") };
const started = Date.now();
const answer = await post(megabytes * 1024 * 1024);
const ms = Date.now() - started;
await new Promise((r) => setTimeout(r, 200));
const after = { hwmKiB: kib(child.pid!, "VmHWM"), rssKiB: kib(child.pid!, "VmRSS") };
child.kill("SIGTERM");
await once(child, "exit");

const growthMB = (after.hwmKiB - before.hwmKiB) / 1024;
console.log(`POST ${megabytes} MiB chunked → ${answer.status} ${answer.body} in ${ms} ms`);
console.log(
  `bytes written before the answer: ${(answer.sentBeforeAnswer / 1024 / 1024).toFixed(1)} MiB, in all: ${(answer.sent / 1024 / 1024).toFixed(1)} MiB`,
);
console.log(
  `server peak RSS ${(before.hwmKiB / 1024).toFixed(0)} MB → ${(after.hwmKiB / 1024).toFixed(0)} MB (growth ${growthMB.toFixed(1)} MB)`,
);
console.log(
  `BENCH ${JSON.stringify({ megabytes, status: answer.status, ms, peakBeforeMB: before.hwmKiB / 1024, peakAfterMB: after.hwmKiB / 1024, growthMB })}`,
);
