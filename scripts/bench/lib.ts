// Shared pieces of the benchmarks in scripts/bench/: a throwaway embedded PostgreSQL (durable
// defaults) that is stopped and deleted however the process ends, a closed-loop load generator with
// a warm-up and a fixed measuring window, percentiles and a plain-text table.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import exitHook from "async-exit-hook";
import { startEmbeddedPostgres } from "../../lib/db/embedded";

// ─── options ─────────────────────────────────────────────────────────────────────────────────

/** `--name=N` or `--name N` from the command line: a positive number (an integer when `integer`), or `fallback`. */
export function numberArg(name: string, fallback: number, { integer = false } = {}): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  const at = process.argv.indexOf(`--${name}`);
  const raw = hit ? hit.slice(name.length + 3) : at >= 0 ? process.argv[at + 1] : undefined;
  const value = raw === undefined ? fallback : Number(raw);
  const valid = integer ? Number.isInteger(value) : Number.isFinite(value);
  if (!valid || value <= 0) throw new Error(`--${name} must be a positive ${integer ? "integer" : "number"}`);
  return value;
}

// ─── a throwaway server ──────────────────────────────────────────────────────────────────────

export interface BenchServer {
  url: string;
  dataDir: string;
  /** Stops the server and deletes its folder; safe to call more than once. */
  cleanup(): Promise<void>;
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

// Run in a detached process of its own: once the bench process is gone — however it went, even
// SIGKILLed (tsx kills a child that is slow to acknowledge Ctrl-C) — stop its server if it still
// runs, then delete the data folder. It exits at once when the bench cleaned up after itself.
const REAPER = `
const fs = require("node:fs"), path = require("node:path");
const [owner, dir] = [Number(process.argv[1]), process.argv[2]];
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; } };
const finish = () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch {} process.exit(0); };
const tick = () => {
  if (alive(owner)) return void setTimeout(tick, 500);
  let pm = 0;
  try { pm = Number(fs.readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\\n")[0]); } catch {}
  if (!(pm > 0 && alive(pm))) return finish();
  try { process.kill(pm, "SIGINT"); } catch {}
  const wait = (n) => (alive(pm) && n > 0 ? void setTimeout(() => wait(n - 1), 200) : finish());
  wait(100);
};
tick();
`;

function startReaper(dataDir: string): void {
  spawn(process.execPath, ["-e", REAPER, String(process.pid), dataDir], { detached: true, stdio: "ignore" }).unref();
}

let leaving = false;

/** True once the process is on its way out (Ctrl-C, SIGTERM, a crash): stop reporting. */
export function exiting(): boolean {
  return leaving;
}

/**
 * Starts a fresh PostgreSQL in `.data/<name>` with the server's default (durable) settings — not
 * `ephemeral` — and registers its clean-up for every way out: normal end, error, Ctrl-C, SIGTERM.
 */
export async function startBenchServer(
  name: string,
  log: (line: string) => void,
  settings?: Record<string, string>,
): Promise<BenchServer> {
  const dataDir = path.join(process.cwd(), ".data", name);
  rmSync(dataDir, { recursive: true, force: true });
  startReaper(dataDir);
  let stopServer: (() => Promise<void>) | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = () => {
    cleaning ??= (async () => {
      // A server that already died (Ctrl-C reaches the whole process group) never reports its
      // exit a second time: do not wait for it forever.
      if (stopServer) await withTimeout(stopServer(), 5_000);
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return cleaning;
  };
  exitHook((done) => {
    leaving = true;
    // Called without `done` from the synchronous "exit" event: only the folder can go then.
    if (typeof done !== "function") {
      if (!cleaning) rmSync(dataDir, { recursive: true, force: true });
      return;
    }
    void cleanup().finally(done);
  });
  // A crash (say, a connection dropped by the server as Ctrl-C reaches it too) must still run the
  // clean-up above rather than kill the process on the spot.
  exitHook.uncaughtExceptionHandler((error, done) => {
    if (!leaving) console.error(error);
    done();
  });
  exitHook.unhandledRejectionHandler((error, done) => {
    if (!leaving) console.error(error);
    done();
  });
  try {
    const server = await startEmbeddedPostgres({
      dataDir,
      database: "tollgate_bench",
      port: 55500,
      ephemeral: false,
      settings,
      log,
    });
    stopServer = server.stop;
    return { url: server.url, dataDir, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

// ─── load ────────────────────────────────────────────────────────────────────────────────────

export interface LoadOptions {
  /** Concurrent workers (closed loop: each starts its next unit when the last one ends). */
  clients: number;
  warmupMs: number;
  measureMs: number;
  /**
   * One unit of work (a pair, a transaction). `time(name, fn)` measures one step of it; steps of
   * units that start during the warm-up are not recorded.
   */
  unit(worker: number, time: <T>(name: string, fn: () => Promise<T>) => Promise<T>): Promise<void>;
  /** Sampled at the start and end of the measuring window: the cores each side used. */
  cpu?: () => CpuSnapshot;
}

export interface LoadResult {
  /** Units completed inside the measuring window. */
  units: number;
  seconds: number;
  perSecond: number;
  /** Per step name: latencies in ms of the steps of measured units. */
  latencies: Map<string, number[]>;
  errors: number;
  firstError: unknown;
  /** Cores used during the measuring window (when `cpu` was given). */
  cores: CoresUsed | null;
}

export async function runLoad({ clients, warmupMs, measureMs, unit, cpu }: LoadOptions): Promise<LoadResult> {
  const latencies = new Map<string, number[]>();
  let units = 0;
  let errors = 0;
  let firstError: unknown = null;
  const t0 = performance.now();
  const windowStart = t0 + warmupMs;
  const windowEnd = windowStart + measureMs;
  let cpuStart: CpuSnapshot | null = null;
  let cores: LoadResult["cores"] = null;
  const sampled = cpu
    ? new Promise<void>((resolve) => {
        setTimeout(() => {
          cpuStart = cpu();
          setTimeout(() => {
            cores = coresUsed(cpuStart!, cpu());
            resolve();
          }, measureMs);
        }, warmupMs);
      })
    : Promise.resolve();

  const worker = async (w: number) => {
    while (performance.now() < windowEnd) {
      const started = performance.now();
      const measured = started >= windowStart;
      const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
        const s = performance.now();
        const value = await fn();
        if (measured) {
          let list = latencies.get(name);
          if (!list) latencies.set(name, (list = []));
          list.push(performance.now() - s);
        }
        return value;
      };
      try {
        await unit(w, time);
        const ended = performance.now();
        if (ended >= windowStart && ended <= windowEnd) units++;
      } catch (error) {
        errors++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  await sampled;
  const seconds = measureMs / 1000;
  return { units, seconds, perSecond: units / seconds, latencies, errors, firstError, cores };
}

// ─── where the CPU goes ──────────────────────────────────────────────────────────────────────

export interface CpuSnapshot {
  at: number;
  /** CPU ms of this process (the client: Prisma, pg, the load generator). */
  nodeMs: number;
  /** CPU ms of the PostgreSQL server (postmaster and its children), or NaN off Linux. */
  pgMs: number;
  /** CPU ms of the whole machine, all cores (from /proc/stat), or NaN off Linux. */
  allMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime+stime (and, for the postmaster, its reaped children's) of a process, in ms. */
function procCpuMs(pid: number, withChildren: boolean): { ms: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // f[0] is field 3 (state): ppid = field 4, utime/stime = 14/15, cutime/cstime = 16/17.
    const ticks = Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
    return { ms: ticks * TICK_MS, ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/** Busy CPU ms of the machine so far: user, nice, system, irq, softirq, steal over all cores. */
function machineBusyMs(): number {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
    return (f[1]! + f[2]! + f[3]! + f[6]! + f[7]! + f[8]!) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** A CPU-time sampler for this process and the server whose data folder is `dataDir`. */
export function cpuSampler(dataDir: string): () => CpuSnapshot {
  let postmaster = Number.NaN;
  try {
    postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    // no server here: pgMs stays NaN
  }
  return () => {
    const u = process.cpuUsage();
    let pgMs = Number.NaN;
    if (Number.isInteger(postmaster) && process.platform === "linux") {
      pgMs = procCpuMs(postmaster, true)?.ms ?? Number.NaN;
      for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        const p = procCpuMs(Number(entry), false);
        if (p && p.ppid === postmaster) pgMs += p.ms;
      }
    }
    return { at: performance.now(), nodeMs: (u.user + u.system) / 1000, pgMs, allMs: machineBusyMs() };
  };
}

export interface CoresUsed {
  /** This process (the client). */
  node: number;
  /** The PostgreSQL server. */
  pg: number;
  /** Everything else on the machine (other programs: a noisy neighbour skews the figures). */
  other: number;
}

/** Cores used between two snapshots (1 = one core busy the whole time). */
export function coresUsed(a: CpuSnapshot, b: CpuSnapshot): CoresUsed {
  const wall = b.at - a.at;
  const node = (b.nodeMs - a.nodeMs) / wall;
  const pg = (b.pgMs - a.pgMs) / wall;
  return { node, pg, other: Math.max(0, (b.allMs - a.allMs) / wall - node - pg) };
}

// ─── numbers ─────────────────────────────────────────────────────────────────────────────────

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[] | undefined, p: number): number {
  if (!samples || samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function round(value: number, digits = 0): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A fixed-width table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [
    header,
    ...rows.map((r) => r.map((c) => (typeof c === "number" ? (Number.isNaN(c) ? "–" : String(c)) : c))),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(cells[0]!), widths.map((w) => "─".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
