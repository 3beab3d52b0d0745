// The balance route answers through the error contract: 401 `unauthorized` (it said
// `unauthenticated` before) and 403 `no_token_account` (404 before), as the guide's table says.
import { beforeEach, describe, expect, it, vi } from "vitest";

const state = vi.hoisted(() => ({ userId: null as string | null, balance: null as unknown }));
vi.mock("@/lib/auth/session", () => ({ sessionUserId: async () => state.userId }));
vi.mock("@/lib/db/client", () => ({ db: () => ({}) }));
vi.mock("@/lib/tokens/live/snapshot", () => ({ readLiveBalance: async () => state.balance }));

const { GET } = await import("./route");
const get = () => GET(new Request("http://localhost/api/tokens/balance"));

describe("GET /api/tokens/balance", () => {
  beforeEach(() => {
    state.userId = null;
    state.balance = null;
  });

  it("answers 401 unauthorized without a session, never cached", async () => {
    const response = await get();
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect([response.status, await response.json()]).toEqual([
      401,
      { error: "unauthorized", message: "Sign in to see your balance." },
    ]);
  });

  it("answers 403 no_token_account for a user without a balance, like the metered routes", async () => {
    state.userId = "u1";
    const response = await get();
    expect([response.status, await response.json()]).toEqual([
      403,
      { error: "no_token_account", message: "Your account has no token balance." },
    ]);
  });

  it("answers the balance as JSON otherwise", async () => {
    state.userId = "u1";
    state.balance = { remaining: "4600" };
    const response = await get();
    expect([response.status, await response.json()]).toEqual([200, { balance: { remaining: "4600" } }]);
  });
});
