// The signed-in user's invoices, read from Stripe for the subscription page: subscription payments
// and pack purchases (Checkout's post-payment invoices), newest first, a page at a time with
// Stripe's cursors. Scoped by construction: the customer is the user's own (from
// `user_subscriptions`, by user id), never one named by the browser; a cursor from the browser
// only says where a page starts, and every row is checked to be that customer's.
import { z } from "zod";
import type Stripe from "stripe";
import type { BillingContext } from "./context";

export const INVOICES_PER_PAGE = 10;

/** One invoice as the page shows it; amounts in the currency's smallest unit. */
export interface InvoiceRow {
  id: string;
  number: string | null;
  created: Date;
  /** What the invoice came to (after discounts, with tax). */
  totalCents: number;
  amountPaidCents: number;
  /** The tax on it (Stripe Tax), 0 when none. */
  taxCents: number;
  currency: string;
  status: "open" | "paid" | "uncollectible" | "void" | "draft";
  pdfUrl: string | null;
  hostedUrl: string | null;
}

export interface InvoicePage {
  invoices: InvoiceRow[];
  /** Cursor of the next (older) page, or null on the last. */
  olderCursor: string | null;
  /** Cursor of the previous (newer) page, or null on the first. */
  newerCursor: string | null;
}

const cursor = z.string().regex(/^in_[A-Za-z0-9]{1,200}$/);

/** The page's invoice cursor from its search params: `invoices_after` or `invoices_before` (one, a Stripe invoice id); anything else is the first page. */
export const invoiceCursorSchema = z
  .object({ invoices_after: cursor.optional().catch(undefined), invoices_before: cursor.optional().catch(undefined) })
  .transform((v): InvoiceCursor =>
    v.invoices_after ? { after: v.invoices_after } : v.invoices_before ? { before: v.invoices_before } : {},
  );

export type InvoiceCursor = { after: string } | { before: string } | Record<string, never>;

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

function row(invoice: Stripe.Invoice): InvoiceRow {
  return {
    id: invoice.id!,
    number: invoice.number ?? null,
    created: new Date(invoice.created * 1000),
    totalCents: invoice.total,
    amountPaidCents: invoice.amount_paid,
    taxCents: (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0),
    currency: invoice.currency,
    status: (invoice.status ?? "draft") as InvoiceRow["status"],
    pdfUrl: invoice.invoice_pdf ?? null,
    hostedUrl: invoice.hosted_invoice_url ?? null,
  };
}

/**
 * A page of `userId`'s invoices (drafts left out: they are not issued yet). A user without a Stripe
 * customer has none. `cursor.after` continues with older invoices, `cursor.before` goes back to newer ones.
 */
export async function listInvoices(
  ctx: BillingContext,
  userId: string,
  cursor: InvoiceCursor = {},
  limit = INVOICES_PER_PAGE,
): Promise<InvoicePage> {
  const account = await ctx.db.userSubscription.findUnique({ where: { userId }, select: { stripeCustomerId: true } });
  const customerId = account?.stripeCustomerId;
  if (!customerId) return { invoices: [], olderCursor: null, newerCursor: null };
  const page = await ctx.stripe.invoices.list({
    customer: customerId,
    limit,
    ...("after" in cursor ? { starting_after: cursor.after } : {}),
    ...("before" in cursor ? { ending_before: cursor.before } : {}),
  });
  const issued = page.data.filter((i) => idOf(i.customer) === customerId && i.status !== "draft");
  const first = page.data[0]?.id ?? null;
  const last = page.data[page.data.length - 1]?.id ?? null;
  // Going back (ending_before), has_more says whether still newer ones exist; going on, older ones.
  const back = "before" in cursor;
  return {
    invoices: issued.map(row),
    olderCursor: back ? last : page.has_more ? last : null,
    newerCursor: back ? (page.has_more ? first : null) : "after" in cursor ? first : null,
  };
}
