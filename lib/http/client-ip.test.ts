import { describe, expect, it } from "vitest";
import { clientIp, normaliseIp } from "./client-ip";

const h = (xff?: string) => new Headers(xff === undefined ? {} : { "x-forwarded-for": xff });

describe("clientIp", () => {
  it("ignores X-Forwarded-For unless a proxy is trusted (the client writes it otherwise)", () => {
    expect(clientIp(h("198.51.100.7"), 0)).toBeNull();
    expect(clientIp(h(), 1)).toBeNull();
  });

  it("takes the n-th entry from the right behind n trusted proxies, never the client's own claims", () => {
    expect(clientIp(h("198.51.100.7"), 1)).toBe("198.51.100.7");
    // The client forged "1.2.3.4"; our proxy appended the address it saw.
    expect(clientIp(h("1.2.3.4, 198.51.100.7"), 1)).toBe("198.51.100.7");
    expect(clientIp(h("1.2.3.4, 198.51.100.7, 10.0.0.2"), 2)).toBe("198.51.100.7");
    expect(clientIp(h("198.51.100.7"), 3)).toBe("198.51.100.7");
  });

  it("is null when the chosen entry is not an IP address", () => {
    expect(clientIp(h("unknown"), 1)).toBeNull();
    expect(clientIp(h(" , "), 1)).toBeNull();
  });
});

describe("normaliseIp", () => {
  it("keeps IPv4 (dropping a port), maps IPv4-mapped IPv6 to IPv4, and cuts IPv6 to its /64", () => {
    expect(normaliseIp("203.0.113.9")).toBe("203.0.113.9");
    expect(normaliseIp("203.0.113.9:5123")).toBe("203.0.113.9");
    expect(normaliseIp("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(normaliseIp("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(normaliseIp("2001:DB8:1:2::99")).toBe("2001:db8:1:2::/64");
    expect(normaliseIp("[2001:db8:1:2::1]:443")).toBe("2001:db8:1:2::/64");
    expect(normaliseIp("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(normaliseIp("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(normaliseIp("::1")).toBe("0:0:0:0::/64");
    expect(normaliseIp("not-an-ip")).toBeNull();
  });

  it("two addresses of one /64 are one key", () => {
    expect(normaliseIp("2001:db8:aa:bb:1::")).toBe(normaliseIp("2001:db8:aa:bb:ffff:ffff:ffff:ffff"));
  });
});
