// Pieces of `npm run bench:meter` (scripts/bench/meter.ts): a production build that leaves the
// shared tsconfig.json alone, a `next start` server that is stopped however the process ends, the
// CPU time of a process tree, and a PostgreSQL wire-protocol counter (a TCP relay that counts the
// round trips a client makes).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import exitHook from "async-exit-hook";

const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

// ─── the production build ────────────────────────────────────────────────────────────────────

/**
 * `next build` into `distDir`. Next adds `<distDir>/types/**` to tsconfig.json's `include` and points
 * next-env.d.ts at its types on every build: both are put back afterwards, so a benchmark build
 * changes no shared file. tsconfig.json is restored only when our two entries are its only change
 * (someone else's edit during the build is kept, with a warning).
 */
export function buildNext(distDir: string, log: (line: string) => void): void {
  const tsconfigPath = path.join(process.cwd(), "tsconfig.json");
  const nextEnvPath = path.join(process.cwd(), "next-env.d.ts");
  const tsconfigBefore = readFileSync(tsconfigPath, "utf8");
  const nextEnvBefore = existsSync(nextEnvPath) ? readFileSync(nextEnvPath, "utf8") : null;
  try {
    const started = Date.now();
    const build = spawnSync(process.execPath, [nextBin, "build"], {
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (build.status !== 0) {
      const tail = `${build.stdout ?? ""}${build.stderr ?? ""}`.split("\n").slice(-40).join("\n");
      throw new Error(`next build failed (exit ${build.status ?? build.signal}):\n${tail}`);
    }
    log(`built into ${distDir} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    restoreTsconfig(tsconfigPath, tsconfigBefore, distDir, log);
    if (nextEnvBefore !== null && existsSync(nextEnvPath)) {
      const now = readFileSync(nextEnvPath, "utf8");
      if (now !== nextEnvBefore && now.includes(distDir)) writeFileSync(nextEnvPath, nextEnvBefore);
    }
  }
}

function restoreTsconfig(file: string, before: string, distDir: string, log: (line: string) => void): void {
  const now = readFileSync(file, "utf8");
  if (now === before) return;
  const ours = (entry: unknown) => typeof entry === "string" && entry.startsWith(`${distDir}/`);
  try {
    const current = JSON.parse(now) as { include?: unknown[] };
    const original = JSON.parse(before) as { include?: unknown[] };
    if (Array.isArray(current.include)) current.include = current.include.filter((entry) => !ours(entry));
    if (JSON.stringify(current) === JSON.stringify(original)) {
      writeFileSync(file, before);
      return;
    }
  } catch {
    // not plain JSON: fall through to the warning
  }
  log(`warning: tsconfig.json changed during the build; remove its "${distDir}/…" include entries by hand`);
}

// ─── next start ──────────────────────────────────────────────────────────────────────────────

export interface NextServer {
  url: string;
  pid: number;
  /** The last lines the server printed. */
  tail(): string[];
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); safe to call more than once. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let hookRegistered = false;

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** `next start` on 127.0.0.1:`port` serving `distDir`, ready when GET /api/health answers 200. */
export async function startNext(options: {
  port: number;
  distDir: string;
  env: Record<string, string>;
  label: string;
  /** Lines worth showing while it runs (metering warnings, errors). */
  onLine?: (line: string) => void;
}): Promise<NextServer> {
  if (!hookRegistered) {
    hookRegistered = true;
    exitHook((done?: () => void) => {
      const children = [...running].filter(alive);
      for (const child of children) child.kill("SIGTERM");
      // The synchronous "exit" event has no callback: signalling is all it can do.
      if (typeof done !== "function") return;
      void Promise.all(children.map((child) => exited(child, 5_000))).finally(done);
    });
  }
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(options.port), "-H", "127.0.0.1"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NEXT_DIST_DIR: options.distDir,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      ...options.env,
    },
  });
  running.add(child);
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 60) lines.shift();
      if (/metering\.|error|unhandled|exception/i.test(line)) options.onLine?.(`[${options.label}] ${line}`);
    }
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);

  const url = `http://127.0.0.1:${options.port}`;
  const server: NextServer = {
    url,
    pid: child.pid!,
    tail: () => [...lines],
    stop: async () => {
      if (alive(child)) child.kill("SIGTERM");
      await exited(child, 5_000);
      running.delete(child);
    },
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!alive(child))
      throw new Error(
        `next start (${options.label}) exited with ${child.exitCode ?? child.signalCode}:\n${lines.slice(-20).join("\n")}`,
      );
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`next start (${options.label}) was not ready within 60 s:\n${lines.slice(-20).join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function exited(child: ChildProcess, killAfterMs: number): Promise<void> {
  if (!alive(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (alive(child)) child.kill("SIGKILL");
    }, killAfterMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// ─── CPU of a process tree ───────────────────────────────────────────────────────────────────

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime+stime+cutime+cstime (ms) of `pid` and all its live descendants; NaN off Linux. */
export function processTreeCpuMs(pid: number): number {
  if (process.platform !== "linux") return Number.NaN;
  const stats = new Map<number, { ppid: number; ms: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(entry), {
        ppid: Number(f[1]),
        ms: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS,
      });
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, s] of stats) {
      if (!tree.has(p) && tree.has(s.ppid)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  let ms = 0;
  for (const p of tree) ms += stats.get(p)?.ms ?? 0;
  return stats.has(pid) ? ms : Number.NaN;
}

// ─── PostgreSQL round trips, on the wire ─────────────────────────────────────────────────────

export interface WireCounter {
  port: number;
  /** Round trips so far: Sync (extended protocol) and Query (simple protocol) messages sent. */
  roundTrips(): number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * A TCP relay in front of PostgreSQL that parses what clients send. Each Sync ('S') ends a batch of
 * extended-protocol messages (Parse/Bind/Execute) the client then waits on, and each simple Query
 * ('Q') is answered before the next: together they are the client's round trips. The start-up and
 * authentication exchange of a new connection is not counted.
 */
export async function startWireCounter(target: { host: string; port: number }): Promise<WireCounter> {
  let roundTrips = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", closeBoth).on("close", closeBoth);
    upstream.on("error", closeBoth).on("close", closeBoth);
    client.pipe(upstream);
    upstream.pipe(client);

    let pending: Buffer = Buffer.alloc(0);
    let startup = true;
    client.on("data", (chunk: Buffer) => {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let offset = 0;
      for (;;) {
        const left = pending.length - offset;
        if (startup) {
          // StartupMessage / SSLRequest / GSSENCRequest: Int32 length, Int32 code, no type byte.
          if (left < 8) break;
          const length = pending.readInt32BE(offset);
          if (left < length) break;
          const code = pending.readInt32BE(offset + 4);
          offset += length;
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
          continue;
        }
        if (left < 5) break;
        const type = pending[offset]!;
        const length = pending.readInt32BE(offset + 1);
        if (left < 1 + length) break;
        if (type === 0x53 /* S: Sync */ || type === 0x51 /* Q: Query */) roundTrips++;
        offset += 1 + length;
      }
      pending = pending.subarray(offset);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    roundTrips: () => roundTrips,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

// ─── open-loop load at a fixed rate ──────────────────────────────────────────────────────────

export interface OpenLoopResult {
  /** Latency of each 2xx answer, ms, counted from the moment its request was due (not sent). */
  latencies: number[];
  ok: number;
  non2xx: number;
  errors: number;
  /** Wall time from the first request due to the last answer, s. */
  seconds: number;
}

/**
 * `count` POST requests of `body` to `url`, one every 1/rate s whatever the answers do (an open
 * loop: arrivals do not wait for the server), over at most `connections` keep-alive connections.
 * Latency runs from when a request was due, so a server that falls behind — or a connection pool
 * that is full — shows as latency rather than hiding as fewer requests (no coordinated omission).
 * autocannon's rate limit cannot stand in for this: it lets each connection send its quota for the
 * second as fast as it can, then waits for the next second — bursts at saturation, not a rate.
 */
export async function openLoop(
  url: string,
  {
    rate,
    count,
    connections,
    headers,
    body,
  }: { rate: number; count: number; connections: number; headers: Record<string, string>; body: string },
): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const payload = Buffer.from(body);
  const result: OpenLoopResult = { latencies: [], ok: 0, non2xx: 0, errors: 0, seconds: 0 };
  const intervalMs = 1000 / rate;
  const start = performance.now() + 20;
  const inFlight: Promise<void>[] = [];
  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: { ...headers, "content-length": payload.length },
        },
        (response) => {
          response.resume();
          response.on("end", () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              result.ok++;
              result.latencies.push(performance.now() - due);
            } else {
              result.non2xx++;
            }
            resolve();
          });
        },
      );
      request.on("error", () => {
        result.errors++;
        resolve();
      });
      request.end(payload);
    });
  try {
    for (let i = 0; i < count; i++) {
      // A timer fires up to a millisecond late: the latency still counts from when the request was
      // due (the same for both routes), and no core is spent spinning to be on time.
      const due = start + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send(due));
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  result.seconds = (performance.now() - start) / 1000;
  return result;
}
