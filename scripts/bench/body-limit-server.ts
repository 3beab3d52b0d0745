// Child process of scripts/bench/body-limit.ts: the real Stripe webhook route handler behind a
// plain node:http server that hands it the request body as a stream, as Next.js does for route
// handlers (no buffering in between). Prints its port, then serves until killed.
import { createServer } from "node:http";
import { Readable } from "node:stream";

const { POST } = await import("../../app/api/stripe/webhook/route");

const server = createServer(async (req, res) => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const request = new Request(`http://127.0.0.1${req.url}`, {
    method: req.method,
    headers,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  let response: Response;
  try {
    response = await POST(request);
  } catch (error) {
    response = Response.json({ error: "internal_error", message: String(error) }, { status: 500 });
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
  req.resume(); // discard whatever the client still sends
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`PORT ${typeof address === "object" && address ? address.port : 0}`);
});
