import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { formatTokens, formatTokensDetailed, DEFAULT_LOCALE } from "../lib/format";
import { signUp, uniqueEmail } from "./helpers";

/** Two different AI features called through their routes from the signed-in page; their charges in millitokens. */
async function twoAiCalls(page: Page): Promise<{ activity: bigint; recipe: bigint }> {
  const answers = await page.evaluate(async () => {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return {
        status: response.status,
        charged: ((await response.json()) as { tokens?: { charged?: number } }).tokens?.charged,
      };
    };
    return [
      await post("/api/ai/activity-analyzer", {
        description: "I ran 5 km in 28 minutes, then 20 minutes of easy yoga.",
      }),
      await post("/api/ai/recipe-generator", {
        ingredients: ["eggs", "spinach", "rice"],
        goal: "build_muscle",
        recipes: 1,
      }),
    ];
  });
  for (const answer of answers) {
    expect(answer.status).toBe(200);
    expect(answer.charged).toBeGreaterThan(0);
  }
  // `charged` is millitokens ÷ 1000, exact to three decimals.
  const [activity, recipe] = answers.map((a) => BigInt(Math.round(a.charged! * 1000)));
  return { activity: activity!, recipe: recipe! };
}

const exact = (millitokens: bigint) => `${millitokens / 1000n}.${(millitokens % 1000n).toString().padStart(3, "0")}`;

test("after two AI calls the usage page charts them by feature and model, counts them against the allowance, and downloads the month's report", async ({
  page,
}, testInfo) => {
  await signUp(page, uniqueEmail("usage"));
  await expect(page).toHaveURL(/\/dashboard$/);
  const { activity, recipe } = await twoAiCalls(page);
  const total = activity + recipe;

  await page.getByRole("navigation", { name: "App" }).getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { name: "Usage", level: 1 })).toBeVisible();

  // This period: exactly the sum of the two charges, against the free tier's 100 tokens.
  await expect(page.getByTestId("period-used")).toHaveAttribute("data-millitokens", total.toString());
  await expect(page.getByTestId("period-used")).toHaveText(formatTokensDetailed(total, DEFAULT_LOCALE));
  await expect(page.getByTestId("period-allowance")).toHaveText("100 tokens");
  const meter = page.getByRole("meter", { name: "Tokens used this period" });
  await expect(meter).toHaveAttribute(
    "aria-valuetext",
    new RegExp(`^${formatTokensDetailed(total, DEFAULT_LOCALE).replace(".", "\\.")} of 100 tokens used`),
  );
  // Used today, in a period that began minutes ago: the rate is taken over one day.
  await expect(page.getByTestId("forecast")).toContainText("At this rate");

  // The feature chart: drawn (bars), with the registry's titles in its legend.
  const byFeature = page.getByTestId("chart-feature");
  await expect(byFeature.locator(".recharts-bar-rectangle path, .recharts-bar-rectangle rect").first()).toBeVisible();
  await expect(byFeature.locator(".recharts-legend-item-text")).toHaveText(
    activity >= recipe ? ["Activity analyzer", "Recipe generator"] : ["Recipe generator", "Activity analyzer"],
  );
  // Its text alternative holds the same figures.
  await byFeature.getByText("Show the figures as a table").click();
  const table = byFeature.getByRole("table");
  await expect(
    table.getByRole("row").filter({ hasText: "Activity analyzer" }).getByRole("cell").last(),
  ).toHaveAttribute("data-millitokens", activity.toString());
  await expect(table.getByRole("row").filter({ hasText: "Recipe generator" }).getByRole("cell").last()).toHaveAttribute(
    "data-millitokens",
    recipe.toString(),
  );
  await expect(table.getByRole("row").filter({ hasText: "Total" })).toContainText(formatTokens(total, DEFAULT_LOCALE));

  // The model chart: both features use the same model here — one series with the total.
  const byModel = page.getByTestId("chart-model");
  await expect(byModel.locator(".recharts-legend-item-text").first()).toHaveText(/gpt/);
  await byModel.getByText("Show the figures as a table").click();
  await expect(byModel.getByRole("table").getByRole("row").filter({ hasText: "Total" })).toContainText(
    formatTokens(total, DEFAULT_LOCALE),
  );

  await page.mouse.move(0, 0); // no tooltip or hover band in the picture
  await page.screenshot({ path: testInfo.outputPath("usage-desktop.png"), fullPage: true });

  // The month's report: downloaded, one row per feature (today, UTC), and the totals.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV" }).click(),
  ]);
  const month = new Date().toISOString().slice(0, 7);
  expect(download.suggestedFilename()).toBe(`tollgate-usage-${month}.csv`);
  const lines = readFileSync((await download.path())!, "utf8")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe(
    "date,feature,model,calls,input_tokens,cached_input_tokens,output_tokens,audio_input_tokens,audio_output_tokens,images,seconds,cost_usd,tokens_charged",
  );
  const today = new Date().toISOString().slice(0, 10);
  const row = (feature: string) => lines.find((line) => line.startsWith(`${today},${feature},`))?.split(",");
  expect(row("activity-analyzer")).toEqual([
    today,
    "activity-analyzer",
    expect.stringMatching(/^gpt/),
    "1",
    expect.stringMatching(/^[1-9]\d*$/),
    expect.stringMatching(/^\d+$/),
    expect.stringMatching(/^[1-9]\d*$/),
    "0",
    "0",
    "0",
    "0",
    expect.stringMatching(/^0\.\d{6}$/),
    exact(activity),
  ]);
  expect(row("recipe-generator")?.at(-1)).toBe(exact(recipe));
  expect(lines).toHaveLength(4);
  expect(lines[3]!.split(",").slice(0, 4)).toEqual([`total ${month}`, "", "", "2"]);
  expect(lines[3]!.split(",").at(-1)).toBe(exact(total));

  // 90 days: the same usage, the toggle says which range is shown.
  await page.getByRole("navigation", { name: "Range" }).getByRole("link", { name: "90 days" }).click();
  await expect(page).toHaveURL(/\/usage\?range=90$/);
  await expect(page.getByRole("link", { name: "90 days" })).toHaveAttribute("aria-current", "page");
  await expect(byFeature.locator(".recharts-legend-item-text")).toHaveCount(2);

  // At 375 px: no sideways scroll, the charts fit.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto("/usage");
  await expect(byFeature.locator(".recharts-legend-item-text")).toHaveCount(2);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  const chartWidth = await byFeature
    .locator(".recharts-wrapper")
    .evaluate((chart) => chart.getBoundingClientRect().width);
  expect(chartWidth).toBeGreaterThan(250);
  expect(chartWidth).toBeLessThanOrEqual(375);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: testInfo.outputPath("usage-phone.png"), fullPage: true });
});

test("a new account's usage page says there is no usage yet, and the report route refuses a bad month", async ({
  page,
}) => {
  await signUp(page, uniqueEmail("usage-empty"));
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/usage?range=banana");
  await expect(page.getByRole("link", { name: "30 days" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("period-used")).toHaveText("0");
  await expect(page.getByTestId("forecast")).toHaveText("No usage yet this period, so there is no rate to project.");
  await expect(page.getByTestId("chart-feature")).toContainText("No usage in the last 30 days.");
  const response = await page.request.get("/api/tokens/usage-report?month=2026-13");
  expect(response.status()).toBe(400);
  expect(await response.json()).toEqual({
    error: "invalid_month",
    message: "month must be a calendar month as YYYY-MM, e.g. 2026-11",
  });
});
