import { expect, test, type Page } from "@playwright/test";
import { wavFile } from "../lib/ai/testing/audio-fixtures";
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
  await page.getByLabel("Voice note").setInputFiles({ name: "note.wav", mimeType: "audio/wav", buffer: Buffer.from(wavFile(12)) });
  await expect(page.getByTestId("cost-estimate-value")).toHaveText("at most 1.2 tokens");
  await page.getByRole("button", { name: "Transcribe" }).click();
  await expect(page.getByTestId("transcript")).not.toBeEmpty();
  expect(await charged(page)).toBe(1_200n); // 12 s × 100 µ$
  await expect(page.getByTestId("balance-available")).toHaveAttribute("data-millitokens", String(before - 1_200n));
});

test("a user talks with the voice coach; the server's charge is shown and leaves the sidebar balance", async ({ page }) => {
  await signUp(page, uniqueEmail("voice"));
  await expect(page).toHaveURL(/\/dashboard$/);
  const before = await balanceMillitokens(page);
  await page.goto("/ai/voice-coach-realtime");
  await page.getByLabel("Maximum length").selectOption("10");
  await expect(page.getByTestId("cost-estimate-value")).toHaveText("at most 66.4 tokens");
  await page.getByRole("button", { name: "Start voice session" }).click();
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
});
