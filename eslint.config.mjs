import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Prices change only by a commit or a saved pricing version (lib/tokens/cost/catalogue.ts): the
// catalogue's remote update and its float calculator are not to be used.
const pinnedPrices = {
  name: "@pydantic/genai-prices",
  importNames: ["updatePrices", "waitForUpdate", "calcPrice"],
  message: "Prices are pinned: no remote price updates, no float price calculation (see lib/tokens/cost/catalogue.ts).",
};

// The token layer knows nothing of Stripe or OpenAI: lib/billing and lib/ai call into it, never the
// other way (docs/TOKEN_INTEGRATION_GUIDE.md). A provider's shapes are read by its adapters in lib/ai.
const tokenLayer = "lib/tokens knows no provider: lib/ai and lib/billing call into it, never the other way.";
const tokenLayerImports = {
  paths: [
    pinnedPrices,
    { name: "openai", message: tokenLayer },
    { name: "stripe", message: tokenLayer },
  ],
  patterns: [
    { group: ["openai/*", "stripe/*", "@stripe/*"], message: tokenLayer },
    // Relative (../ai, ../../billing/…) and aliased (@/lib/ai …) paths to lib/ai and lib/billing.
    { regex: "^(@/lib/|(\\.\\./)+)(ai|billing)(/|$)", message: tokenLayer },
  ],
};

// Product code logs through lib/log.ts (one logger per module: levels, redaction, a request id),
// never console.*. The dev servers (the simulators and their CLI), the tooling in scripts/ and the
// tests and their harnesses print to the terminal they run in, and are left out.
export const noConsoleFiles = ["app/**", "components/**", "lib/**", "instrumentation.ts", "proxy.ts"];
export const noConsoleExempt = [
  "lib/ai/simulator/**",
  "lib/billing/simulator/**",
  "lib/simulator-cli.ts",
  "lib/ai/testing/**",
  "**/*.test.ts",
  "**/*.test.tsx",
  "**/test-*.ts",
  "lib/billing/test-harness.ts",
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    rules: { "no-restricted-imports": ["error", { paths: [pinnedPrices] }] },
  },
  {
    // A later block replaces the rule's options, so this one repeats the pinned prices.
    files: ["lib/tokens/**"],
    rules: { "no-restricted-imports": ["error", tokenLayerImports] },
  },
  {
    files: noConsoleFiles,
    ignores: noConsoleExempt,
    rules: { "no-console": "error" },
  },
  {
    ignores: [".next/**", ".next-test/**", "lib/db/generated/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
];

export default config;
