// Two `next start` instances of one build on one database, behind a round-robin proxy (haproxy, from
// scripts/e2e-server.ts): every spec already runs through it; these prove that requests do alternate
// between the instances, and that a user's flow split across them works — signed in on one, the live
// balance open on one while the metered call is served by the other, signed out on one and refused
// by the other.
import { expect, request as playwrightRequest, test } from "@playwright/test";
import pg from "pg";
import { e2eServerValue, signUp, uniqueEmail } from "./helpers";

const INSTANCE_HEADER = "x-tollgate-instance";

function instanceUrls(): { a: string; b: string } {
  return JSON.parse(e2eServerValue("instance-urls"));
}

async function ledgerAvailable(email: string): Promise<string> {
  const client = new pg.Client({ connectionString: e2eServerValue("database-url") });
  await client.connect();
  try {
    const { rows } = await client.query<{ available: string }>(
      `SELECT (b.allowance + b.purchased - b.reserved)::text AS available FROM user_token_balance b JOIN users u ON u.id = b.user_id WHERE u.email = $1`,
      [email],
    );
    return rows[0]!.available;
  } finally {
    await client.end();
  }
}

test("the proxy sends requests to both instances in turn, each named in x-tollgate-instance", async ({ request }) => {
  const served: string[] = [];
  for (let i = 0; i < 10; i++) {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    served.push(response.headers()[INSTANCE_HEADER] ?? "none");
  }
  // Round robin: other workers' requests interleave, but ten in a row never all land on one.
  expect(new Set(served)).toEqual(new Set(["a", "b"]));
  // Each instance answers on its own too (the cross-instance test below addresses them directly).
  for (const url of Object.values(instanceUrls())) expect((await request.get(`${url}/api/health`)).status()).toBe(200);
});

test("signed in through the proxy: the live balance on instance a follows a metered call served by instance b, and a sign-out on b is refused on a", async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const { a, b } = instanceUrls();
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = uniqueEmail("two-instances");
  await signUp(page, email);

  // The session cookie is the host's (cookies ignore the port): instance a reads it directly.
  const onA = await context.newPage();
  await onA.goto(`${a}/dashboard`);
  const widget = onA.getByTestId("balance-widget");
  await expect(widget).toHaveAttribute("data-connection", "live");
  await expect(onA.getByTestId("balance-available")).toHaveAttribute("data-millitokens", "100000");

  const call = await context.request.post(`${b}/api/ai/activity-analyzer`, {
    data: { description: "Rowed 5 km in 22 minutes.", weightKg: 80 },
  });
  expect(call.status()).toBe(200);
  const available = await ledgerAvailable(email);
  expect(BigInt(available)).toBeLessThan(100_000n);
  // Instance a's LISTEN connection hears instance b's commit: no state in b's memory is needed.
  await expect(onA.getByTestId("balance-available")).toHaveAttribute("data-millitokens", available, {
    timeout: 5_000,
  });

  // Sign out on b with a copy of the cookie kept; a refuses the old token within its 1 s cache.
  const kept = await context.storageState();
  const onB = await context.newPage();
  await onB.goto(`${b}/dashboard`);
  await onB.getByRole("button", { name: "Sign out" }).click();
  await expect(onB).toHaveURL(/\/$/);
  const stale = await playwrightRequest.newContext({ storageState: kept });
  try {
    await expect.poll(async () => (await stale.get(`${a}/api/tokens/balance`)).status(), { timeout: 5_000 }).toBe(401);
  } finally {
    await stale.dispose();
    await context.close();
  }
});
