// The mail outbox: counts by status, and the newest rows of one status — failed ones with their
// last SMTP error and a retry.
import Link from "next/link";
import { listMail, mailCounts, MAIL_STATUSES, mailStatusSchema } from "@/lib/admin/mail";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { formatDateTime, DEFAULT_LOCALE } from "@/lib/format";
import { retryMail } from "./actions";

export const metadata = { title: "Mail" };

const RETRY_NOTICE: Record<string, string> = {
  queued: "The mail is queued again.",
  not_failed: "That mail is no longer failed: nothing was queued.",
  invalid: "Not a mail id.",
};

export default async function MailPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin("/admin/mail");
  const params = await searchParams;
  const status = mailStatusSchema.catch("failed").parse(params.status);
  const notice = typeof params.retry === "string" ? RETRY_NOTICE[params.retry] : undefined;
  const [counts, rows] = await Promise.all([mailCounts(db()), listMail(db(), status)]);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-zinc-900">Mail</h1>
      {notice && (
        <p role="status" className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-800">
          {notice}
        </p>
      )}
      <nav aria-label="Mail status" className="flex flex-wrap gap-2">
        {MAIL_STATUSES.map((s) => (
          <Link
            key={s}
            href={`/admin/mail?status=${s}`}
            aria-current={s === status ? "page" : undefined}
            className={`rounded-full px-3 py-1 text-sm ${s === status ? "bg-zinc-900 text-white" : "bg-white text-zinc-700 ring-1 ring-zinc-200"}`}
          >
            {s} <span data-testid={`mail-count-${s}`}>{counts[s]}</span>
          </Link>
        ))}
      </nav>
      {rows.length === 0 ? (
        <p className="text-zinc-600">No {status} mail.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-zinc-600">
              <tr>
                <th className="px-3 py-2 font-medium">Queued</th>
                <th className="px-3 py-2 font-medium">To</th>
                <th className="px-3 py-2 font-medium">Mail</th>
                <th className="px-3 py-2 font-medium">Attempts</th>
                <th className="px-3 py-2 font-medium">{status === "sent" ? "Sent" : "Last error"}</th>
                {status === "failed" && <th className="px-3 py-2 font-medium">Action</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="border-b border-zinc-100 last:border-0">
                  <td className="px-3 py-2 whitespace-nowrap">
                    {formatDateTime(row.createdAt, DEFAULT_LOCALE, "UTC")}
                  </td>
                  <td className="px-3 py-2">{row.recipient}</td>
                  <td className="px-3 py-2 font-mono text-xs">{row.template}</td>
                  <td className="px-3 py-2">{row.attempts}</td>
                  <td className="px-3 py-2 text-zinc-700">
                    {status === "sent" && row.sentAt
                      ? formatDateTime(row.sentAt, DEFAULT_LOCALE, "UTC")
                      : (row.lastError ?? "—")}
                  </td>
                  {status === "failed" && (
                    <td className="px-3 py-2">
                      <form action={retryMail}>
                        <input type="hidden" name="id" value={row.id} />
                        <button
                          type="submit"
                          className="rounded-md bg-zinc-900 px-2 py-1 text-xs font-medium text-white"
                        >
                          Retry
                        </button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
