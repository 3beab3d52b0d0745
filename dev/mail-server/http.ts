// The HTTP side: the inbox pages for a developer and the JSON API the e2e tests read mails with.
//   GET /                       the inbox (newest first)
//   GET /messages/:id           one mail: its HTML part (sandboxed iframe), text part and headers
//   GET /messages/:id/html      the HTML part alone, for that iframe
//   POST /clear                 delete every mail, back to the inbox
//   GET /api/messages?to=addr   every mail (oldest first), or those addressed to addr
//   GET /api/messages/:id       one mail; 404 {"error"} for an unknown id
//   DELETE /api/messages        delete every mail (204)
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { htmlPart, renderInbox, renderMessage, renderNotFound } from "./pages";
import type { MailStore } from "./store";

const listQuery = z.object({ to: z.string().trim().min(1).max(320).optional() });

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { "content-length": String(Buffer.byteLength(body)), "cache-control": "no-store", ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body, null, 2), { "content-type": "application/json" });
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  send(res, status, html, { "content-type": "text/html; charset=utf-8" });
}

function route(store: MailStore, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://mail.invalid");
  const method = req.method ?? "GET";
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const page = /^\/messages\/([^/]+)(\/html)?$/.exec(path);
  const api = /^\/api\/messages\/([^/]+)$/.exec(path);

  if (path === "/" && method === "GET") return sendPage(res, 200, renderInbox(store.list()));
  if (path === "/clear" && method === "POST") {
    store.clear();
    return send(res, 303, "", { location: "/" });
  }
  if (page && method === "GET") {
    const mail = store.get(decodeURIComponent(page[1]!));
    if (!mail) return sendPage(res, 404, renderNotFound());
    if (!page[2]) return sendPage(res, 200, renderMessage(mail));
    const part = htmlPart(mail);
    return send(res, 200, part.body, part.headers);
  }
  if (path === "/api/messages" && method === "GET") {
    const query = listQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return sendJson(res, 400, { error: `Invalid query: ${query.error.issues[0]?.message}` });
    return sendJson(res, 200, store.list(query.data.to));
  }
  if (path === "/api/messages" && method === "DELETE") {
    store.clear();
    return send(res, 204, "", {});
  }
  if (api && method === "GET") {
    const id = decodeURIComponent(api[1]!);
    const mail = store.get(id);
    return mail ? sendJson(res, 200, mail) : sendJson(res, 404, { error: `No mail with id ${id}` });
  }
  sendJson(res, 404, { error: `No route ${method} ${url.pathname}` });
}

export interface HttpListener {
  port: number;
  close(): Promise<void>;
}

export async function listenHttp(
  store: MailStore,
  { port, host }: { port: number; host: string },
): Promise<HttpListener> {
  const server = createServer((req, res) => {
    try {
      route(store, req, res);
    } catch (error) {
      // A malformed %-escape in the path is the client's mistake, not a reason to stop serving.
      sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive connections (a browser tab) would hold the port open: end them with the server.
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
