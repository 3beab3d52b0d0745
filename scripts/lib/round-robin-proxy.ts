// A real round-robin HTTP proxy in front of several app instances, for the e2e run: Debian's haproxy
// (installed by .ci/run), its configuration generated here into the run's data folder. Every request
// goes to the next healthy instance in turn (no stickiness: a browser's requests, its keep-alive
// connection's too, land on the instances alternately), so a test passes only when no state a
// request needs lives in one instance's memory. Each answer names the instance that served it in
// `x-tollgate-instance` (set by the proxy, which exists only in this loopback run).
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";

export const INSTANCE_HEADER = "x-tollgate-instance";

export interface ProxyBackend {
  /** The instance's name, as the proxy reports it in `x-tollgate-instance`. */
  name: string;
  port: number;
}

export interface RoundRobinProxy {
  url: string;
  close(): Promise<void>;
}

/** haproxy's configuration: round robin, no stickiness, each backend checked on /api/health. */
export function haproxyConfig(port: number, backends: ProxyBackend[]): string {
  return [
    "global",
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 10m",
    // Live balance streams (SSE) stay open: a long server timeout, or the proxy would cut them.
    "  timeout server 10m",
    "  timeout http-keep-alive 30s",
    // A busy machine answers a check slowly: that is not an instance down. Down after 5 failed
    // checks (a crashed instance refuses at once), up again after one good one.
    "  timeout check 10s",
    "frontend app",
    `  bind 127.0.0.1:${port}`,
    "  default_backend instances",
    "backend instances",
    "  balance roundrobin",
    "  option httpchk GET /api/health",
    "  http-check expect status 200",
    // %s: the name of the server that answered.
    `  http-response set-header ${INSTANCE_HEADER} %s`,
    ...backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check inter 2s fall 5 rise 1`),
    "",
  ].join("\n");
}

/**
 * Writes the configuration to `dataDir/haproxy.cfg` and runs haproxy in the foreground on `port`;
 * resolves once it answers. Fails naming the package when haproxy is not installed.
 */
export async function startRoundRobinProxy({
  port,
  backends,
  dataDir,
  log,
}: {
  port: number;
  backends: ProxyBackend[];
  dataDir: string;
  log: (line: string) => void;
}): Promise<RoundRobinProxy> {
  const config = path.join(dataDir, "haproxy.cfg");
  writeFileSync(config, haproxyConfig(port, backends));
  const child = spawn(existsSync("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : "haproxy", ["-db", "-f", config], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error) =>
      reject(new Error(`haproxy could not start (${error.message}): apt-get install haproxy (.ci/run does)`)),
    );
    child.once("exit", (code) => reject(new Error(`haproxy exited with ${code}`)));
  });
  failed.catch(() => {});
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await Promise.race([
      fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      ),
      failed,
    ]);
    if (ready) break;
    if (Date.now() > deadline) throw new Error("haproxy did not answer within 15 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`round-robin proxy (haproxy) at ${url} over ${backends.map((b) => `${b.name}:${b.port}`).join(", ")}`);
  return {
    url,
    close: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
