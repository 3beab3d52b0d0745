import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectionUrl, ensureTraversableForPostgres, findFreePort, runningServerPort } from "./embedded";

/** Listens on 127.0.0.1 (`port` 0: any free port) and returns the server and its port. */
function occupy(port = 0): Promise<{ server: net.Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1" }, () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port }),
    );
  });
}

const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe("findFreePort", () => {
  const servers: net.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  it("returns the preferred port when it is free", async () => {
    const { server, port } = await occupy();
    await close(server);
    expect(await findFreePort(port)).toBe(port);
  });

  it("skips a port that is taken, for one that can really be listened on", async () => {
    const taken = await occupy();
    servers.push(taken.server);
    const port = await findFreePort(taken.port);
    expect(port).toBeGreaterThan(taken.port);
    expect(port).toBeLessThan(taken.port + 100);
    // The port it found is free: we can listen on it ourselves.
    const mine = await occupy(port);
    servers.push(mine.server);
    expect(mine.port).toBe(port);
  });

  it("fails with the range it searched when every port in it is taken", async () => {
    const taken = await occupy();
    servers.push(taken.server);
    await expect(findFreePort(taken.port, 1)).rejects.toThrow(
      `No free port in ${taken.port}–${taken.port} for the embedded PostgreSQL.`,
    );
  });
});

describe("runningServerPort", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tollgate-embedded-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A postmaster.pid as PostgreSQL writes it: pid, data dir, start time, port, socket dir, … */
  function pidFile(name: string, pid: number | string, port: number | string): string {
    const dataDir = path.join(dir, name);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir);
    writeFileSync(
      path.join(dataDir, "postmaster.pid"),
      `${pid}\n${dataDir}\n1767225600\n${port}\n/tmp\n127.0.0.1\n  5432001     32768\nready   \n`,
    );
    return dataDir;
  }

  it("reads the port of a live server from postmaster.pid", () => {
    expect(runningServerPort(pidFile("live", process.pid, 55123))).toBe(55123);
  });

  it("counts a live process of another user as running", () => {
    // pid 1 is alive: owned by us when running as root, otherwise kill(1, 0) fails with EPERM.
    expect(runningServerPort(pidFile("other-user", 1, 55124))).toBe(55124);
  });

  it("is null when the server that wrote the file is gone", () => {
    const exited = spawnSync(process.execPath, ["-e", ""]);
    expect(exited.status).toBe(0);
    expect(runningServerPort(pidFile("stale", exited.pid!, 55125))).toBeNull();
  });

  it("is null without a pid file, or with a garbled one", () => {
    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    expect(runningServerPort(empty)).toBeNull();
    expect(runningServerPort(pidFile("garbled-pid", "not-a-pid", 55126))).toBeNull();
    expect(runningServerPort(pidFile("blank-port", process.pid, ""))).toBeNull();
    expect(runningServerPort(pidFile("blank-pid", "", 55127))).toBeNull();
    expect(runningServerPort(pidFile("pid-zero", 0, 55128))).toBeNull();
    const truncated = path.join(dir, "truncated");
    mkdirSync(truncated);
    writeFileSync(path.join(truncated, "postmaster.pid"), `${process.pid}\n`);
    expect(runningServerPort(truncated)).toBeNull();
  });
});

describe("connectionUrl", () => {
  it("points at the embedded server's database on loopback", () => {
    expect(connectionUrl(54329, "tollgate")).toBe("postgresql://postgres:postgres@127.0.0.1:54329/tollgate");
  });
});

describe("ensureTraversableForPostgres", () => {
  it.runIf(process.getuid?.() === 0)("adds only the search bit, only where it is missing, and says where", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "tollgate-traverse-")); // mkdtemp: 0700
    const nested = path.join(root, "repo", ".data");
    mkdirSync(nested, { recursive: true });
    chmodSync(path.join(root, "repo"), 0o750);
    const lines: string[] = [];
    try {
      expect(ensureTraversableForPostgres([nested], (line) => lines.push(line))).toEqual([
        path.join(root, "repo"),
        root,
      ]);
      expect(statSync(root).mode & 0o777).toBe(0o701);
      expect(statSync(path.join(root, "repo")).mode & 0o777).toBe(0o751);
      expect(lines).toHaveLength(2);
      expect(ensureTraversableForPostgres([nested])).toEqual([]); // nothing left to change
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
