import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

// Prices change only by a commit or a saved pricing version (lib/tokens/cost/catalogue.ts): the
// catalogue's remote update and its float calculator are not to be used.
const pinnedPrices = {
  name: "@pydantic/genai-prices",
  importNames: ["updatePrices", "waitForUpdate", "calcPrice"],
  message: "Prices are pinned: no remote price updates, no float price calculation (see lib/tokens/cost/catalogue.ts).",
};

// Product code (app/, components/, lib/) never depends on the dev servers (dev/: the Stripe and
// OpenAI simulators) or on test support (test/): what runs in production is only product code.
const productLayer = "Product code never imports dev/ (the simulators) or test/ (harnesses and fixtures).";
const noDevOrTest = { regex: "^(@/|(\\.\\./)+)(dev|test)(/|$)", message: productLayer };

// A simulator follows the provider, not us: one that computed usage with the product's own code
// could not catch the product's mistakes. So dev/ imports nothing of the product or of test/.
const simulatorLayer =
  "dev/ (the simulators) imports nothing from lib/, app/, components/ or test/: it follows the provider, not the product.";
const simulatorImports = {
  paths: [pinnedPrices],
  patterns: [{ regex: "^(@/|(\\.\\./)+)(lib|app|components|test)(/|$)", message: simulatorLayer }],
};

// The token layer knows nothing of Stripe or OpenAI: lib/billing and lib/ai call into it, never the
// other way (docs/TOKEN_INTEGRATION_GUIDE.md). A provider's shapes are read by its adapters in lib/ai.
const tokenLayer = "lib/tokens knows no provider: lib/ai and lib/billing call into it, never the other way.";
const tokenLayerImports = {
  paths: [pinnedPrices, { name: "openai", message: tokenLayer }, { name: "stripe", message: tokenLayer }],
  patterns: [
    { group: ["openai/*", "stripe/*", "@stripe/*"], message: tokenLayer },
    // Relative (../ai, ../../billing/…) and aliased (@/lib/ai …) paths to lib/ai and lib/billing.
    { regex: "^(@/lib/|(\\.\\./)+)(ai|billing)(/|$)", message: tokenLayer },
  ],
};

// Components are the app's building blocks: a page passes its server actions in as props, so a
// component never imports from app/ (the routes depend on components, never the other way).
const componentLayer =
  "components/ never import app/: take the server action as a prop (see components/auth-form.tsx).";
const componentImports = {
  paths: [pinnedPrices],
  patterns: [{ regex: "^(@/|(\\.\\./)+)app(/|$)", message: componentLayer }, noDevOrTest],
};

/** Tests may use test support (and a simulator's tests their own fixtures). */
const TESTS = ["**/*.test.ts", "**/*.test.tsx"];

// Product code logs through lib/log.ts (one logger per module: levels, redaction, a request id),
// never console.*. The dev servers (the simulators and their CLI), the tooling in scripts/ and the
// tests and their harnesses print to the terminal they run in, and are left out.
export const noConsoleFiles = ["app/**", "components/**", "lib/**", "instrumentation.ts", "proxy.ts"];
// (The simulators live in dev/ and the harnesses in test/, outside these folders.)
export const noConsoleExempt = ["**/*.test.ts", "**/*.test.tsx"];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    rules: { "no-restricted-imports": ["error", { paths: [pinnedPrices] }] },
  },
  {
    // Each later block replaces the rule's options, so each repeats the pinned prices.
    files: ["app/**", "components/**", "lib/**"],
    ignores: TESTS,
    rules: { "no-restricted-imports": ["error", { paths: [pinnedPrices], patterns: [noDevOrTest] }] },
  },
  {
    files: ["dev/**"],
    ignores: TESTS,
    rules: { "no-restricted-imports": ["error", simulatorImports] },
  },
  {
    files: ["lib/tokens/**"],
    rules: { "no-restricted-imports": ["error", tokenLayerImports] },
  },
  {
    files: ["lib/tokens/**"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": [
        "error",
        { ...tokenLayerImports, patterns: [...tokenLayerImports.patterns, noDevOrTest] },
      ],
    },
  },
  {
    files: ["components/**"],
    ignores: TESTS,
    rules: { "no-restricted-imports": ["error", componentImports] },
  },
  {
    files: noConsoleFiles,
    ignores: noConsoleExempt,
    rules: { "no-console": "error" },
  },
  // Layout is Prettier's (.prettierrc.json, `prettier --check` in lint): ESLint's stylistic rules
  // that would disagree with it are off.
  prettier,
  {
    ignores: [
      ".next/**",
      ".next-test/**",
      "lib/db/generated/**",
      ".data/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
];

export default config;
