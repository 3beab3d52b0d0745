import { expect, test, type Page } from "@playwright/test";
import { wavFile } from "../test/ai/audio-fixtures";
import { signUp, uniqueEmail } from "./helpers";

async function balanceMillitokens(page: Page): Promise<bigint> {
  return BigInt((await page.getByTestId("balance-available").getAttribute("data-millitokens")) ?? "NaN");
}

async function charged(page: Page): Promise<bigint> {
  return BigInt((await page.getByTestId("cost-charged-value").getAttribute("data-millitokens")) ?? "NaN");
}

test("a user generates an exercise illustration for exactly the price shown before", async ({ page }) => {
  await signUp(page, uniqueEmail("illustration"));
  await expect(page).toHaveURL(/\/dashboard$/);
  const before = await balanceMillitokens(page);
  await page.goto("/ai/generate-training-illustration");
  await page.getByLabel("Exercise").fill("Goblet squat with a kettlebell");
  await page.getByLabel("Quality").selectOption("low");
  // gpt-image-1's tokens at the catalogue's prices: the low 1024² image (272 × $40/1M = 10,880 µ$) and the prompt's 54 text tokens (× $5/1M = 270 µ$).
  await expect(page.getByTestId("cost-estimate-value")).toHaveText("at most 11.15 tokens");
  await page.getByRole("button", { name: "Generate illustration" }).click();
  await expect(page.getByTestId("illustration")).toBeVisible();
  expect(await charged(page)).toBe(11_150n);
  await expect(page.getByTestId("balance-available")).toHaveAttribute("data-millitokens", String(before - 11_150n));
});

test("a user transcribes a voice note, charged per second", async ({ page }) => {
  await signUp(page, uniqueEmail("transcribe"));
  await expect(page).toHaveURL(/\/dashboard$/);
  const before = await balanceMillitokens(page);
  await page.goto("/ai/transcribe");
  await page
    .getByLabel("Voice note")
    .setInputFiles({ name: "note.wav", mimeType: "audio/wav", buffer: Buffer.from(wavFile(12)) });
  await expect(page.getByTestId("cost-estimate-value")).toHaveText("at most 1.2 tokens");
  await page.getByRole("button", { name: "Transcribe" }).click();
  await expect(page.getByTestId("transcript")).not.toBeEmpty();
  expect(await charged(page)).toBe(1_200n); // 12 s × 100 µ$
  await expect(page.getByTestId("balance-available")).toHaveAttribute("data-millitokens", String(before - 1_200n));
});

test("a user talks with the voice coach over WebRTC through our server; no key reaches the browser, the server's charge leaves the balance", async ({
  page,
  baseURL,
}) => {
  await signUp(page, uniqueEmail("voice"));
  await expect(page).toHaveURL(/\/dashboard$/);
  const before = await balanceMillitokens(page);
  // Every request the page makes stays on our origin: the browser never talks to the provider's API.
  const origin = new URL(baseURL!).origin;
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (/^https?:$/.test(url.protocol) && url.origin !== origin) elsewhere.push(request.url());
  });
  await page.goto("/ai/voice-coach-realtime");
  await page.getByLabel("Maximum length").selectOption("10");
  await expect(page.getByTestId("cost-estimate-value")).toHaveText("at most 66.4 tokens");
  const started = page.waitForResponse(
    (r) => new URL(r.url()).pathname === "/api/ai/voice-coach-realtime" && r.request().method() === "POST",
  );
  await page.getByRole("button", { name: "Start voice session" }).click();
  const startResponse = await started;
  const sent = JSON.parse(startResponse.request().postData() ?? "{}");
  expect(Object.keys(sent).sort()).toEqual(["maxSeconds", "sdp"]);
  expect(sent.sdp).toMatch(/^v=0\r\n/);
  const body = await startResponse.json();
  expect(Object.keys(body).sort()).toEqual(["held", "maxSeconds", "sdp", "sessionId", "tokens"]);
  expect(body.sdp).toMatch(/a=fingerprint:sha-256 /); // a real DTLS peer answered (the simulator's WebRTC stack)
  expect(JSON.stringify(body)).not.toMatch(/ek_|secret|api[_-]?key|sk-/i);
  // Connected: the data channel is open and the session attached.
  await expect(page.getByRole("button", { name: "End session" })).toBeEnabled();
  await page.getByLabel("Say something").fill("How should I breathe during squats?");
  await page.getByRole("button", { name: "Say", exact: true }).click();
  await expect(page.getByTestId("voice-transcript").getByText("Coach:")).toBeVisible();
  await page.getByRole("button", { name: "End session" }).click();
  await expect(page.getByTestId("cost-charged")).toBeVisible();
  const cost = await charged(page);
  expect(cost).toBeGreaterThan(0n);
  expect(cost).toBeLessThan(66_400n);
  await expect(page.getByTestId("balance-available")).toHaveAttribute("data-millitokens", String(before - cost));
  expect(elsewhere).toEqual([]);
});
