// The error contract over real drivers: a route whose database is unreachable answers 503 JSON with
// Retry-After — with node-postgres's and Prisma's own errors, not hand-made ones — and any other
// escaped error is a 500 JSON, never an empty body.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, createPool } from "../db/client";
import { withErrorContract } from "./error-contract";

let closedPortUrl: string;

beforeAll(async () => {
  // A port that was just free: nothing listens there, so connecting is refused.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  closedPortUrl = `postgresql://tollgate:x@127.0.0.1:${port}/tollgate`;
});

const pool = () => createPool(closedPortUrl, 1);
const pools: ReturnType<typeof createPool>[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

describe("withErrorContract", () => {
  it("answers 503 unavailable with Retry-After when node-postgres cannot connect", async () => {
    const p = pool();
    pools.push(p);
    const route = withErrorContract("GET /test", async () => {
      await p.query("SELECT 1");
      return Response.json({ ok: true });
    });
    const response = await route();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({
      error: "unavailable",
      message: "The service cannot reach its database right now; retry in a few seconds.",
    });
  });

  it("answers 503 for Prisma's error too", async () => {
    const p = pool();
    pools.push(p);
    const db = createDb(p);
    const route = withErrorContract("GET /test", async () => {
      await db.userTokenBalance.findUnique({ where: { userId: "nobody" } });
      return Response.json({ ok: true });
    });
    const response = await route();
    expect(response.status).toBe(503);
    expect((await response.json()).error).toBe("unavailable");
  });

  it("answers 500 internal_error in JSON for a bug", async () => {
    const route = withErrorContract("GET /test", async (): Promise<Response> => {
      throw new TypeError("cannot read properties of undefined");
    });
    const response = await route();
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: "internal_error",
      message: "Something went wrong on our side; retry later.",
    });
  });

  it("passes the handler's own answers through", async () => {
    const route = withErrorContract("GET /test", async () => Response.json({ error: "unauthorized" }, { status: 401 }));
    expect((await route()).status).toBe(401);
  });
});
