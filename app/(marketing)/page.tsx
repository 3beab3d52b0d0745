import Link from "next/link";
import { getTranslations } from "next-intl/server";

const FEATURES = ["metering", "plans", "ledger"] as const;

/** Notices of the flows that end here, signed out (`?notice=`). */
const NOTICES = ["account_deleted"] as const;
type Notice = (typeof NOTICES)[number];

export default async function LandingPage({ searchParams }: { searchParams: Promise<{ notice?: string | string[] }> }) {
  const { notice } = await searchParams;
  const t = await getTranslations("landing");
  const known = NOTICES.find((n): n is Notice => n === notice);
  return (
    <>
      {known && (
        <p
          role="status"
          data-testid="landing-notice"
          className="mx-auto mt-6 max-w-6xl rounded-md bg-zinc-100 px-4 py-2 text-sm text-zinc-800"
        >
          {t(`notices.${known}`)}
        </p>
      )}
      <section className="mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-24">
        <p className="text-sm font-medium text-brand-700">{t("kicker")}</p>
        <h1 className="mt-3 max-w-3xl text-4xl font-semibold tracking-tight text-zinc-950 sm:text-5xl">
          {t("headline")}
        </h1>
        <p className="mt-5 max-w-2xl text-lg text-zinc-700">{t("lead")}</p>
        <div className="mt-8 flex flex-wrap gap-3">
          <Link
            href="/sign-up"
            className="rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700"
          >
            {t("startFree", { count: 100 })}
          </Link>
          <Link
            href="/pricing"
            className="rounded-md border border-zinc-300 bg-white px-4 py-2.5 font-medium text-zinc-900 hover:bg-zinc-100"
          >
            {t("seePricing")}
          </Link>
        </div>
      </section>
      <section aria-labelledby="how" className="border-t border-zinc-200 bg-white">
        <div className="mx-auto max-w-6xl px-4 py-14 sm:px-6">
          <h2 id="how" className="text-2xl font-semibold tracking-tight">
            {t("how")}
          </h2>
          <ul className="mt-8 grid gap-6 sm:grid-cols-3">
            {FEATURES.map((feature) => (
              <li key={feature} className="rounded-lg border border-zinc-200 p-5">
                <h3 className="font-medium text-zinc-950">{t(`features.${feature}.title`)}</h3>
                <p className="mt-2 text-sm text-zinc-700">{t(`features.${feature}.body`)}</p>
              </li>
            ))}
          </ul>
        </div>
      </section>
    </>
  );
}
