import Link from "next/link";

const FEATURES = [
  {
    title: "Exact metering",
    body: "Every AI call holds its worst-case cost first, then pays exactly what the provider billed. No rounding a call up to a whole token.",
  },
  {
    title: "Subscriptions and packs",
    body: "Seven monthly plans with an allowance that resets each period, and token packs that never expire. Allowance is spent first.",
  },
  {
    title: "A ledger you can audit",
    body: "Every token that moves is a row in an append-only ledger, and the balance always equals the ledger.",
  },
];

/** Notices of the flows that end here, signed out (`?notice=`). */
const NOTICES: Record<string, string> = {
  account_deleted: "Your account is deleted and you are signed out. Any subscription ends with its current period.",
};

export default async function LandingPage({ searchParams }: { searchParams: Promise<{ notice?: string | string[] }> }) {
  const { notice } = await searchParams;
  const message = typeof notice === "string" ? NOTICES[notice] : undefined;
  return (
    <>
      {message && (
        <p
          role="status"
          data-testid="landing-notice"
          className="mx-auto mt-6 max-w-6xl rounded-md bg-zinc-100 px-4 py-2 text-sm text-zinc-800"
        >
          {message}
        </p>
      )}
      <section className="mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-24">
        <p className="text-sm font-medium text-brand-700">AI usage, sold fairly</p>
        <h1 className="mt-3 max-w-3xl text-4xl font-semibold tracking-tight text-zinc-950 sm:text-5xl">
          Pay for the AI you use — to the thousandth of a token.
        </h1>
        <p className="mt-5 max-w-2xl text-lg text-zinc-700">
          Tollgate runs the token economy of an AI product: a free tier to start, monthly plans and one-time packs
          through Stripe, and a meter on every AI feature that charges exactly what the model cost.
        </p>
        <div className="mt-8 flex flex-wrap gap-3">
          <Link
            href="/sign-up"
            className="rounded-md bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700"
          >
            Start free with 100 tokens
          </Link>
          <Link
            href="/pricing"
            className="rounded-md border border-zinc-300 bg-white px-4 py-2.5 font-medium text-zinc-900 hover:bg-zinc-100"
          >
            See pricing
          </Link>
        </div>
      </section>
      <section aria-labelledby="how" className="border-t border-zinc-200 bg-white">
        <div className="mx-auto max-w-6xl px-4 py-14 sm:px-6">
          <h2 id="how" className="text-2xl font-semibold tracking-tight">
            How it works
          </h2>
          <ul className="mt-8 grid gap-6 sm:grid-cols-3">
            {FEATURES.map((feature) => (
              <li key={feature.title} className="rounded-lg border border-zinc-200 p-5">
                <h3 className="font-medium text-zinc-950">{feature.title}</h3>
                <p className="mt-2 text-sm text-zinc-700">{feature.body}</p>
              </li>
            ))}
          </ul>
        </div>
      </section>
    </>
  );
}
