import { defineConfig, devices } from "@playwright/test";
import { toolingEnv } from "./lib/env";
import { e2ePort } from "./test/support/e2e-paths";

const port = e2ePort();
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's chromium (installed by .ci/run); Playwright's own browser download is not
      // reachable on these machines.
      executablePath: toolingEnv().CHROMIUM_PATH,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"] } },
    { name: "phone", use: { ...devices["Pixel 7"], defaultBrowserType: "chromium" }, grep: /@phone/ },
  ],
  webServer: {
    command: "npx tsx --tsconfig tsconfig.scripts.json scripts/e2e-server.ts",
    url: `${baseURL}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
  },
});
