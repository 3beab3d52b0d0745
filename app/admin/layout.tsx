// The admin console's shell: navigation with the failed counts (Stripe webhooks, mail, outgoing webhooks). This layout checks the admin
// role, but it protects nothing by itself — every page, server action and route under /admin checks
// again (lib/auth/admin.ts), and app/admin/access.int.test.ts enforces that.
import type { Metadata } from "next";
import { Logo } from "@/components/logo";
import { NavLink } from "@/components/nav-link";
import { countFailedMail } from "@/lib/admin/mail";
import { countFailedWebhooks } from "@/lib/admin/webhook-count";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { countFailedDeliveries } from "@/lib/webhooks/log";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · Tollgate" } };

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const admin = await requireAdmin("/admin");
  const [failed, failedMail, failedDeliveries] = await Promise.all([
    countFailedWebhooks(db()),
    countFailedMail(db()),
    countFailedDeliveries(db()),
  ]);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-56 md:flex-col md:border-r md:border-b-0">
        <div className="flex items-center gap-2 px-4 py-3 md:py-4">
          <Logo href="/admin" />
          <span className="rounded-full bg-zinc-900 px-2 py-0.5 text-xs font-medium text-white">Admin</span>
        </div>
        <nav aria-label="Admin" className="flex gap-1 overflow-x-auto px-3 pb-3 md:block md:space-y-1">
          <NavLink href="/admin" exact>
            Overview
          </NavLink>
          <NavLink href="/admin/pricing">Pricing</NavLink>
          <NavLink href="/admin/webhooks">
            <FailedCount label="Webhooks" count={failed} testId="failed-webhooks" />
          </NavLink>
          <NavLink href="/admin/users">Users</NavLink>
          <NavLink href="/admin/mail">
            <FailedCount label="Mail" count={failedMail} testId="failed-mail" />
          </NavLink>
          <NavLink href="/admin/integrations">
            <FailedCount label="Integrations" count={failedDeliveries} testId="failed-deliveries" />
          </NavLink>
        </nav>
        <div className="hidden border-t border-zinc-200 px-4 py-3 md:mt-auto md:block">
          <p className="truncate text-sm text-zinc-700" title={admin.email}>
            {admin.email}
          </p>
          <NavLink href="/dashboard">Back to the app</NavLink>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8">{children}</main>
    </div>
  );
}

/** A navigation entry with the number of its failed items, when there are any. */
function FailedCount({ label, count, testId }: { label: string; count: number; testId: string }) {
  return (
    <span className="flex items-center justify-between gap-2">
      {label}
      {count > 0 && (
        <span
          className="rounded-full bg-red-600 px-2 py-0.5 text-xs font-semibold text-white"
          aria-label={`${count} failed`}
          data-testid={testId}
        >
          {count}
        </span>
      )}
    </span>
  );
}
