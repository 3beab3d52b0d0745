// The client's IP address, for per-IP limits. Next.js gives route handlers and server actions no
// socket address: only X-Forwarded-For, which it fills from the socket only when the client sent
// none — so the header is whatever the client wants unless a proxy we run wrote it. It is read only
// when TRUSTED_PROXY_HOPS says how many proxies in front of us append to it: each appends the
// address it received the request from, so with n of them the n-th entry from the right is the
// address the outermost one saw (anything further left is the client's own claim).
import { isIP } from "node:net";

/**
 * The client IP as a limit key: an IPv4 address, or an IPv6 address cut to its /64 (one subscriber
 * gets a whole /64, so single IPv6 addresses cost an attacker nothing). Null when no proxy is
 * trusted (`trustedHops` 0) or the header holds no usable address.
 */
export function clientIp(headers: Headers, trustedHops: number): string | null {
  if (trustedHops < 1) return null;
  const header = headers.get("x-forwarded-for");
  if (!header) return null;
  const hops = header
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (hops.length === 0) return null;
  // Fewer entries than trusted proxies: the leftmost is still one our proxies wrote.
  const entry = hops[Math.max(0, hops.length - trustedHops)]!;
  return normaliseIp(entry);
}

/** An address as a key: IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 as its /64 prefix; null if not an IP. */
export function normaliseIp(raw: string): string | null {
  let address = raw.trim();
  if (address.startsWith("[")) address = address.slice(1, address.indexOf("]") > 0 ? address.indexOf("]") : undefined);
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":")); // IPv4 with a port
  const zone = address.indexOf("%");
  if (zone >= 0) address = address.slice(0, zone);
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  const groups = expandIpv6(address.toLowerCase());
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail becomes two groups). */
function expandIpv6(address: string): string[] {
  let text = address;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((group) => group.replace(/^0+(?=.)/, ""));
}
