import { describe, expect, it } from "vitest";
import { pgbouncerConfig } from "./pgbouncer";
import { haproxyConfig, INSTANCE_HEADER } from "./round-robin-proxy";

describe("the e2e run's haproxy configuration", () => {
  const config = haproxyConfig(3100, [
    { name: "a", port: 3101 },
    { name: "b", port: 3102 },
  ]);
  it("balances round robin over both instances, checked on /api/health, with no stickiness", () => {
    expect(config).toMatch(/^\s+balance roundrobin$/m);
    expect(config).toMatch(/^\s+option httpchk GET \/api\/health$/m);
    expect(config).toMatch(/server a 127\.0\.0\.1:3101 check/);
    expect(config).toMatch(/server b 127\.0\.0\.1:3102 check/);
    expect(config).not.toMatch(/cookie|stick|prefer-last-server|balance source/);
    expect(config).toContain(`set-header ${INSTANCE_HEADER} %s`);
  });
});

describe("test:pgbouncer's configuration", () => {
  it("pools by transaction, reaches every database of the server by name, listens on loopback", () => {
    const config = pgbouncerConfig({ serverPort: 5432, port: 6432, dir: ".data/pgbouncer" });
    expect(config).toMatch(/^pool_mode = transaction$/m);
    expect(config).toMatch(/^\* = host=127\.0\.0\.1 port=5432$/m);
    expect(config).toMatch(/^listen_addr = 127\.0\.0\.1$/m);
    expect(config).toMatch(/^listen_port = 6432$/m);
  });
});
