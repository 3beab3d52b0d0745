// The POST of one attempt, and what an endpoint URL may be.
//
// SSRF: an endpoint URL is typed by an admin, but a URL that reaches this machine or its private
// network (the database, a cloud metadata service at 169.254.169.254, an internal admin port)
// would let whoever holds an admin session — or steals one — make the server probe it and read
// the start of each answer in the delivery log. So, unless WEBHOOKS_ALLOW_PRIVATE_URLS is on
// (development and tests, whose receivers listen on 127.0.0.1):
//   - only http: and https: URLs, without credentials, are accepted, at registration and again
//     before every POST (a row edited by hand is refused too);
//   - the connection itself is guarded by `request-filtering-agent`: every address the host name
//     resolves to is checked when the socket connects — not only when the URL was registered — so
//     a name that later resolves to 127.0.0.1 or 10.x (DNS rebinding) is refused, as are IP
//     literals, IPv4-mapped IPv6 and every non-unicast range (ipaddr.js's definitions);
//   - redirects are not followed (a 3xx is a failed attempt), so a public URL cannot bounce the
//     POST inward.
import http from "node:http";
import https from "node:https";
import ipaddr from "ipaddr.js";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";

/** How long one attempt may take, connect to last byte read (Svix's is 15 s). */
export const ATTEMPT_TIMEOUT_MS = 15_000;
/** The start of the answer kept for the delivery log. */
export const RESPONSE_SNIPPET_CHARS = 1_000;

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

/**
 * Whether `raw` may be an endpoint URL. The host name is not resolved here (the connection guard
 * checks what it resolves to at every attempt); names and literals that are this machine or a
 * private network are refused up front, so the admin hears it at once.
 */
export function checkEndpointUrl(raw: string, { allowPrivate }: { allowPrivate: boolean }): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: "Not a URL: enter an absolute https:// URL." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, message: "Only http:// and https:// URLs can receive webhooks." };
  }
  if (url.username || url.password) {
    return { ok: false, message: "The URL must not contain a user name or password." };
  }
  if (url.toString().length > 2_000) return { ok: false, message: "The URL is too long (2,000 characters at most)." };
  if (!allowPrivate && isPrivateHost(url.hostname)) {
    return {
      ok: false,
      message: "That host is this machine or a private network: webhooks go only to public addresses.",
    };
  }
  url.hash = "";
  return { ok: true, url: url.toString() };
}

/** localhost names and IP literals outside public unicast space. */
function isPrivateHost(hostname: string): boolean {
  let host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (!ipaddr.isValid(host)) return false;
  const address = ipaddr.parse(host);
  return address.range() !== "unicast";
}

export interface PostResult {
  statusCode: number;
  /** The start of the answer's body, as text. */
  response: string;
}

export interface PostOptions {
  timeoutMs?: number;
  allowPrivate: boolean;
}

const agents = new Map<string, http.Agent>();

function agentFor(protocol: "http:" | "https:", allowPrivate: boolean): http.Agent {
  const key = `${protocol}${allowPrivate}`;
  let agent = agents.get(key);
  if (!agent) {
    // keepAlive off: an attempt is one request, and a kept socket would outlive the DNS check.
    const options = { keepAlive: false, allowPrivateIPAddress: allowPrivate, allowMetaIPAddress: false };
    agent = protocol === "https:" ? new RequestFilteringHttpsAgent(options) : new RequestFilteringHttpAgent(options);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * POSTs `body` to `url` with `headers`. Resolves the status and the start of the answer for any
 * HTTP answer (2xx or not); rejects on a refused URL, a blocked address, a network error or the
 * timeout. Never follows a redirect; reads at most RESPONSE_SNIPPET_CHARS of the answer.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<PostResult> {
  const checked = checkEndpointUrl(url, { allowPrivate: options.allowPrivate });
  if (!checked.ok) return Promise.reject(new Error(checked.message));
  const target = new URL(checked.url);
  const protocol = target.protocol as "http:" | "https:";
  const send = protocol === "https:" ? https.request : http.request;
  const timeoutMs = options.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  return new Promise<PostResult>((resolve, reject) => {
    const request = send(target, {
      method: "POST",
      agent: agentFor(protocol, options.allowPrivate),
      headers: {
        ...headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        "user-agent": "Tollgate-Webhooks/1.0",
      },
    });
    const timer = setTimeout(() => request.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
        if (text.length >= RESPONSE_SNIPPET_CHARS) {
          // Enough for the log: stop reading (a huge or endless answer costs nothing more).
          clearTimeout(timer);
          response.destroy();
          resolve({ statusCode: response.statusCode ?? 0, response: text.slice(0, RESPONSE_SNIPPET_CHARS) });
        }
      });
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ statusCode: response.statusCode ?? 0, response: text });
      });
      response.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      // An answer cut short still has its status: what arrived is the snippet (a settled promise
      // ignores this after "end").
      response.on("close", () => {
        clearTimeout(timer);
        resolve({ statusCode: response.statusCode ?? 0, response: text.slice(0, RESPONSE_SNIPPET_CHARS) });
      });
    });
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}
