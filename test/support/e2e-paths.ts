// Shared by playwright.config.ts, the e2e server and the specs.
import path from "node:path";
import { toolingEnv } from "../../lib/env";

export const E2E_DIST_DIR = ".next-test";

export function e2ePort(): number {
  return toolingEnv().E2E_PORT;
}

export function e2eDataDir(port = e2ePort()): string {
  return path.join(process.cwd(), ".data", `e2e-${port}`);
}
