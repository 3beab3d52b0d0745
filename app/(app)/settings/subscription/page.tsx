// The subscription settings page: the balance and its status, split by bucket; the plan and its
// state; the plans and packs to buy (upgrade / downgrade through the portal); the transaction
// history in words, filtered and paged by search params, exportable as CSV; the checkout outcome. On
// ?checkout=success&session_id=… it applies the session at once (the user often arrives before
// Stripe's webhooks), but only a session of the signed-in user's own Stripe customer; back from the
// portal (?portal=returned) it re-syncs the subscription the same way. The auto top-up section
// (?autotopup=<notice> after its form) shows its settings, card and any failure that turned it off.
import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { confirmCheckout, refreshAfterPortal, type ConfirmResult } from "@/lib/billing/confirm-checkout";
import { billingContext } from "@/lib/billing/context";
import { subscriptionOverview } from "@/lib/billing/overview";
import { parseHistoryParams, type HistoryParams } from "@/lib/history/filters";
import { HISTORY_PAGE_SIZE, historyView } from "@/lib/history/view";
import { SETTINGS_PATH } from "@/lib/billing/urls";
import { db } from "@/lib/db/client";
import { billingConfigured } from "@/lib/env";
import { formatMoney } from "@/lib/format";
import { intervalOfParam } from "@/lib/billing/intervals";
import { openPortal, saveAutoTopUpSettings, startCheckout } from "./actions";
import { AutoTopUpSection } from "./auto-top-up";
import { autoTopUpView } from "@/lib/billing/auto-topup/view";
import { BalancePanel } from "./balance-panel";
import { PackGrid, PlanGrid } from "./catalog";
import { HistorySection } from "./history";
import { PlanStatus } from "./plan-status";
import { logger } from "@/lib/log";
import { InvoiceList } from "@/components/billing/invoice-list";
import { invoiceCursorSchema, listInvoices, type InvoicePage } from "@/lib/billing/invoices";
import { taxLabel } from "@/lib/billing/tax";

const log = logger("billing");

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("subscription"))("title") };
}

const paramsSchema = z.object({
  checkout: z.enum(["success", "cancelled"]).optional().catch(undefined),
  session_id: z
    .string()
    .regex(/^cs_[A-Za-z0-9_]{1,200}$/)
    .optional()
    .catch(undefined),
  portal: z.literal("returned").optional().catch(undefined),
  error: z.enum(["invalid", "unknown_item", "unavailable", "price_changed", "unverified"]).optional().catch(undefined),
  autotopup: z.enum(["saved", "off", "no_card", "unknown_pack", "invalid", "unavailable"]).optional().catch(undefined),
});

type T = Awaited<ReturnType<typeof getTranslations<"subscription.notices">>>;

function confirmMessage(result: ConfirmResult, t: T): { tone: "ok" | "warn"; text: string } {
  if (!result.ok) return { tone: "warn", text: t("notYours") };
  if (!result.paid) return { tone: "ok", text: t("processing") };
  return { tone: "ok", text: result.kind === "pack" ? t("packAdded") : t("subscriptionActive") };
}

export default async function SubscriptionPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser(SETTINGS_PATH);
  const search = await searchParams;
  const params = paramsSchema.parse(search);
  const configured = billingConfigured();
  const t = await getTranslations("subscription");
  const tn = await getTranslations("subscription.notices");
  const locale = await getLocale();

  let notice: { tone: "ok" | "warn"; text: string } | null = null;
  try {
    if (params.checkout === "success" && params.session_id && configured) {
      notice = confirmMessage(await confirmCheckout(billingContext(), user.id, params.session_id), tn);
    } else if (params.checkout === "cancelled") {
      notice = { tone: "warn", text: tn("cancelled") };
    } else if (params.error) {
      notice = { tone: "warn", text: tn(`errors.${params.error}`) };
    } else if (params.portal) {
      if (configured) await refreshAfterPortal(billingContext(), user.id);
      notice = { tone: "ok", text: tn("portalReturned") };
    }
  } catch (error) {
    // Stripe unreachable: the webhooks will bring the same changes; the page still renders.
    log.error({ event: "return_sync_failed", userId: user.id, err: error }, "syncing on return from Stripe failed");
    notice = { tone: "warn", text: tn("stripeDown") };
  }

  // The history's filters and page: a bad value is named and the history shown without it.
  const parsedHistory = parseHistoryParams(search);
  const historyParams: HistoryParams = parsedHistory.ok ? parsedHistory.params : {};
  const [overview, history, autoTopUp] = await Promise.all([
    subscriptionOverview(db(), user.id),
    historyView(db(), user.id, historyParams, HISTORY_PAGE_SIZE, { t: await getTranslations(), locale }),
    autoTopUpView(db(), configured ? billingContext() : null, user.id),
  ]);
  const ta = await getTranslations("subscription.autoTopUp.notices");
  const { pricing } = overview;
  // The user's own invoices (the cursor only says where the page starts; the customer is theirs).
  let invoices: InvoicePage | null = null;
  let invoicesFailed = false;
  if (configured) {
    try {
      invoices = await listInvoices(billingContext(), user.id, invoiceCursorSchema.parse(search));
    } catch (error) {
      log.error({ event: "invoice_list_failed", userId: user.id, err: error }, "listing invoices failed");
      invoicesFailed = true;
    }
  }
  const money = (cents: number) => formatMoney(cents, pricing.currency, locale);
  // The catalog's Monthly / Yearly switch (?billing=yearly), and the interval the subscriber pays at.
  const interval = intervalOfParam(search.billing);
  const paidInterval = overview.subscription?.billingInterval === "year" ? "year" : "month";
  const tax = taxLabel();
  const portal = configured && overview.subscription?.stripeCustomerId ? openPortal : null;

  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      {notice && (
        <p
          role="status"
          data-testid="checkout-notice"
          className={`mt-4 rounded-md border p-3 text-sm ${notice.tone === "ok" ? "border-emerald-300 bg-emerald-50 text-emerald-900" : "border-amber-300 bg-amber-50 text-amber-900"}`}
        >
          {notice.text}
        </p>
      )}
      {!configured && (
        <p className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {t("notConfigured")}
        </p>
      )}

      <div className="mt-6 grid gap-4 lg:grid-cols-[3fr_2fr]">
        <BalancePanel
          balance={overview.balance}
          status={overview.status}
          periodAllowance={overview.periodAllowance}
          now={new Date()}
        />
        <PlanStatus
          plan={overview.livePlan}
          scheduled={overview.scheduledChange}
          state={overview.state}
          money={money}
          portal={portal}
          interval={paidInterval}
        />
      </div>

      <PlanGrid
        plans={overview.plans}
        currency={pricing.currency}
        configured={configured}
        action={startCheckout}
        interval={interval}
        currentInterval={paidInterval}
        path={SETTINGS_PATH}
        tax={tax}
      />
      <PackGrid
        packs={overview.packs}
        currency={pricing.currency}
        configured={configured}
        action={startCheckout}
        tax={tax}
      />
      <AutoTopUpSection
        view={autoTopUp}
        packs={overview.packs}
        currency={pricing.currency}
        configured={configured}
        save={saveAutoTopUpSettings}
        checkout={startCheckout}
        portal={portal}
        notice={params.autotopup ? ta(params.autotopup) : null}
      />
      <InvoiceList page={invoices} path={SETTINGS_PATH} error={invoicesFailed} />
      <HistorySection view={history} params={historyParams} error={parsedHistory.ok ? null : parsedHistory.field} />
    </>
  );
}
