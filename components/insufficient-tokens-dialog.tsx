"use client";
// The "not enough tokens" dialog: any AI feature's 402 opens it (components/ai/error-alert.tsx calls
// useInsufficientTokens), showing what the request needs against what is available and the cheapest
// plan or pack that covers the difference (lib/tokens/offers.ts), whose button starts checkout through
// the subscription page's `startCheckout` server action (passed in by the signed-in layout). A 402
// spend_limit_reached opens ./spend-limit-dialog.tsx instead (buying tokens would not help).
//
// A native modal <dialog> (./modal-dialog.tsx): the rest of the page inert, Escape closes it, the
// suggested action takes focus first, and focus returns to where it was.
import { createContext, useCallback, useContext, useId, useMemo, useState, type ReactNode } from "react";
import Link from "next/link";
import { useFormStatus } from "react-dom";
import { useLocale, useTranslations } from "next-intl";
import { formatMoney, formatTokens } from "@/lib/format";
import { cheapestOffer, shortfallOf, type Offer, type OfferAccount, type OfferCatalog } from "@/lib/tokens/offers";
import { useLiveBalance } from "./live-balance";
import { FigureTiles } from "./figure-tiles";
import { ModalActions, ModalDialog } from "./modal-dialog";
import { SpendLimitDialog, type SpendLimitDetail } from "./spend-limit-dialog";

/** What a 402 body says: token amounts (numbers with up to 3 decimals). */
export interface InsufficientTokens {
  required: number;
  available: number;
  spendLimit?: SpendLimitDetail; // a 402 spend_limit_reached
}

type Open = (detail: InsufficientTokens) => void;

const OpenContext = createContext<Open | null>(null);

/** Opens the dialog; a no-op outside the signed-in shell. */
export function useInsufficientTokens(): Open {
  return useContext(OpenContext) ?? noop;
}
const noop: Open = () => {};

export function InsufficientTokensProvider({
  catalog,
  account,
  checkoutAction,
  children,
}: {
  catalog: OfferCatalog;
  account: OfferAccount;
  checkoutAction: (formData: FormData) => Promise<void>;
  children: ReactNode;
}) {
  const [detail, setDetail] = useState<InsufficientTokens | null>(null);
  const open = useCallback<Open>((d) => setDetail({ ...d }), []);
  const close = () => setDetail(null);
  return (
    <OpenContext.Provider value={open}>
      {children}
      {detail?.spendLimit && <SpendLimitDialog required={detail.required} limit={detail.spendLimit} onClose={close} />}
      {detail && !detail.spendLimit && (
        <InsufficientTokensDialog
          detail={detail}
          catalog={catalog}
          account={account}
          checkoutAction={checkoutAction}
          onClose={close}
        />
      )}
    </OpenContext.Provider>
  );
}

const tokensText = (tokens: number, locale: string) => formatTokens(Math.round(tokens * 1000), locale);

type T = ReturnType<typeof useTranslations<"insufficient">>;

function offerLines(offer: Offer, account: OfferAccount, currency: string, t: T, locale: string) {
  const price = formatMoney(offer.priceCents, currency, locale);
  const name = offer.name;
  if (offer.kind === "pack") {
    return {
      title: t("pack.title", { name }),
      price: t("pack.price", { price }),
      detail: t("pack.detail", { tokens: formatTokens(offer.adds, locale) }),
      button: t("pack.button", { name }),
    };
  }
  const upgrade = account.planId !== null;
  const tokens = formatTokens(BigInt(offer.tokens) * 1000n, locale);
  return {
    title: t("plan.title", { name }),
    price: t("plan.price", { price }),
    detail: upgrade
      ? t("plan.detailUpgrade", { tokens, adds: formatTokens(offer.adds, locale) })
      : t("plan.detail", { tokens }),
    button: upgrade ? t("plan.upgrade", { name }) : t("plan.subscribe", { name }),
  };
}

function CheckoutButton({ label }: { label: string }) {
  const { pending } = useFormStatus();
  const t = useTranslations("insufficient");
  return (
    <button
      type="submit"
      data-autofocus
      disabled={pending}
      aria-busy={pending || undefined}
      data-testid="insufficient-checkout"
      className="w-full rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium whitespace-nowrap text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:cursor-wait disabled:opacity-70 sm:w-auto"
    >
      {/* Both labels take the same grid cell, so the button keeps its width while pending. */}
      <span className="grid">
        <span className={`col-start-1 row-start-1 ${pending ? "invisible" : ""}`}>{label}</span>
        <span className={`col-start-1 row-start-1 ${pending ? "" : "invisible"}`} aria-hidden={!pending}>
          {t("openingCheckout")}
        </span>
      </span>
    </button>
  );
}

function InsufficientTokensDialog({
  detail,
  catalog,
  account,
  checkoutAction,
  onClose,
}: {
  detail: InsufficientTokens;
  catalog: OfferCatalog;
  account: OfferAccount;
  checkoutAction: (formData: FormData) => Promise<void>;
  onClose(): void;
}) {
  const titleId = useId();
  const summaryId = useId();
  const { balance } = useLiveBalance();
  const t = useTranslations("insufficient");
  const tc = useTranslations("common");
  const locale = useLocale();
  const allowanceNow = balance ? BigInt(balance.allowance) : 0n;
  const shortfall = shortfallOf(detail.required, detail.available);
  const offer = useMemo(
    () => cheapestOffer(catalog, account, { shortfall, allowanceNow }),
    [catalog, account, shortfall, allowanceNow],
  );
  const lines = offer ? offerLines(offer, account, catalog.currency, t, locale) : null;

  return (
    <ModalDialog titleId={titleId} summaryId={summaryId} testId="insufficient-dialog" onClose={onClose}>
      {(close) => (
        <div className="p-5 sm:p-6">
          <div className="flex items-start justify-between gap-4">
            <h2 id={titleId} className="text-lg font-semibold">
              {t("title")}
            </h2>
            <button
              type="button"
              onClick={() => close()}
              aria-label={tc("close")}
              className="-m-1 rounded-md p-1 text-zinc-500 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-zinc-900"
            >
              <svg
                aria-hidden
                viewBox="0 0 20 20"
                className="size-5"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.75"
                strokeLinecap="round"
              >
                <path d="M5 5l10 10M15 5L5 15" />
              </svg>
            </button>
          </div>
          <p id={summaryId} className="mt-1 text-sm text-zinc-700">
            {t("summary", {
              required: tokensText(detail.required, locale),
              available: tokensText(detail.available, locale),
            })}
          </p>
          <FigureTiles
            className="mt-4 text-center"
            figures={[
              { label: t("required"), value: tokensText(detail.required, locale), testId: "insufficient-required" },
              { label: t("available"), value: tokensText(detail.available, locale), testId: "insufficient-available" },
              {
                label: t("shortBy"),
                value: formatTokens(shortfall > 0n ? shortfall : 0n, locale),
                testId: "insufficient-shortfall",
                tone: "alert",
              },
            ]}
          />

          {offer && lines ? (
            <form action={checkoutAction} className="mt-5">
              <input type="hidden" name="kind" value={offer.kind} />
              <input type="hidden" name="id" value={offer.id} />
              <div
                className="rounded-lg border border-zinc-200 p-3"
                data-testid="insufficient-offer"
                data-kind={offer.kind}
                data-id={offer.id}
              >
                <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{t("cheapest")}</p>
                <p className="mt-1 flex flex-wrap items-baseline justify-between gap-x-3">
                  <span className="font-semibold">{lines.title}</span>
                  <span className="text-sm font-medium tabular-nums">{lines.price}</span>
                </p>
                <p className="text-sm text-zinc-700">{lines.detail}</p>
              </div>
              <p className="mt-2 text-sm text-zinc-700">
                {t.rich("compare", {
                  link: (chunks) => (
                    <Link
                      href="/settings/subscription"
                      onClick={() => close()}
                      className="font-medium text-zinc-900 underline underline-offset-2"
                    >
                      {chunks}
                    </Link>
                  ),
                })}
              </p>
              <ModalActions dismissLabel={tc("notNow")} onDismiss={() => close()}>
                <CheckoutButton label={lines.button} />
              </ModalActions>
            </form>
          ) : (
            <div className="mt-5">
              <p className="text-sm text-zinc-700" data-testid="insufficient-no-offer">
                {t("noOffer")}
              </p>
              <ModalActions className="mt-4" dismissLabel={tc("notNow")} onDismiss={() => close()}>
                <Link
                  href="/settings/subscription"
                  data-autofocus
                  onClick={() => close()}
                  className="rounded-md bg-zinc-900 px-4 py-2 text-center text-sm font-medium text-white hover:bg-zinc-700"
                >
                  {t("seePlans")}
                </Link>
              </ModalActions>
            </div>
          )}
        </div>
      )}
    </ModalDialog>
  );
}
