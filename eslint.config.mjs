import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    // Prices change only by a commit or a saved pricing version (lib/tokens/cost/catalogue.ts): the
    // catalogue's remote update and its float calculator are not to be used.
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@pydantic/genai-prices",
              importNames: ["updatePrices", "waitForUpdate", "calcPrice"],
              message: "Prices are pinned: no remote price updates, no float price calculation (see lib/tokens/cost/catalogue.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    ignores: [".next/**", ".next-test/**", "lib/db/generated/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
];

export default config;
