// A loopback webhook receiver for the integration and end-to-end tests: a real HTTP server on
// 127.0.0.1 that verifies each message with the Standard Webhooks library (`standardwebhooks`, as
// an integrator would), records it, and answers 2xx — or fails on request.
//
//   const receiver = await startWebhookReceiver();
//   receiver.secrets = [secretShownToTheAdmin];   // verify with it (several: after a rotation)
//   receiver.failNext(3);                         // the next 3 POSTs get 500 (or another status)
//   await receiver.waitFor((m) => m.payload?.type === "tokens.low");
//   await receiver.close();
//
// The app needs WEBHOOKS_ALLOW_PRIVATE_URLS=true to reach it (a loopback address).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedMessage {
  /** The `webhook-id` header (`msg_…`). */
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** Whether `Webhook.verify` accepted it with one of `secrets`; the error otherwise. */
  verified: boolean;
  error?: string;
  /** The parsed body, when verified. */
  payload?: { type: string; timestamp: string; data: Record<string, unknown> };
  /** The status this receiver answered. */
  answered: number;
  receivedAt: Date;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hooks`. */
  url: string;
  port: number;
  /** The secrets a message may be signed with; unset → nothing verifies (every message is 401). */
  secrets: string[];
  /** Every POST received, in order (failed ones included). */
  messages: ReceivedMessage[];
  /** Verified messages answered 2xx. */
  delivered(): ReceivedMessage[];
  /** The next `n` POSTs are answered `status` (default 500) with a short body, verified or not. */
  failNext(n: number, status?: number): void;
  /** The next `n` POSTs get no answer for `ms` (an attempt that times out). */
  hangNext(n: number, ms: number): void;
  waitFor(match: (message: ReceivedMessage) => boolean, timeoutMs?: number): Promise<ReceivedMessage>;
  clear(): void;
  close(): Promise<void>;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

export async function startWebhookReceiver({ port = 0 }: { port?: number } = {}): Promise<WebhookReceiver> {
  let failures: { left: number; status: number } = { left: 0, status: 500 };
  let hangs: { left: number; ms: number } = { left: 0, ms: 0 };
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<() => void>();
  const state = { secrets: [] as string[] };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = {
        "webhook-id": single(request.headers["webhook-id"]),
        "webhook-timestamp": single(request.headers["webhook-timestamp"]),
        "webhook-signature": single(request.headers["webhook-signature"]),
      };
      let verified = false;
      let error: string | undefined = state.secrets.length === 0 ? "no secret set" : undefined;
      let payload: ReceivedMessage["payload"];
      for (const secret of state.secrets) {
        try {
          payload = new Webhook(secret).verify(body, headers) as ReceivedMessage["payload"];
          verified = true;
          error = undefined;
          break;
        } catch (e) {
          error = (e as Error).message;
        }
      }
      let status = verified ? 204 : 401;
      if (failures.left > 0) {
        failures.left--;
        status = failures.status;
      }
      const hang = hangs.left > 0 ? (hangs.left--, hangs.ms) : 0;
      messages.push({
        id: headers["webhook-id"],
        timestamp: headers["webhook-timestamp"],
        signature: headers["webhook-signature"],
        body,
        headers: request.headers,
        verified,
        error,
        payload,
        answered: status,
        receivedAt: new Date(),
      });
      for (const wake of waiters) wake();
      const answer = () => {
        if (response.destroyed) return;
        response.writeHead(status, { "content-type": "text/plain" });
        response.end(status < 300 ? "" : `receiver says ${status}${error ? `: ${error}` : ""}`);
      };
      if (hang > 0) setTimeout(answer, hang).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${actualPort}/hooks`,
    port: actualPort,
    get secrets() {
      return state.secrets;
    },
    set secrets(value: string[]) {
      state.secrets = value;
    },
    messages,
    delivered: () => messages.filter((m) => m.verified && m.answered >= 200 && m.answered < 300),
    failNext(n, status = 500) {
      failures = { left: n, status };
    },
    hangNext(n, ms) {
      hangs = { left: n, ms };
    },
    waitFor(match, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching webhook within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    clear() {
      messages.length = 0;
      failures = { left: 0, status: 500 };
      hangs = { left: 0, ms: 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
