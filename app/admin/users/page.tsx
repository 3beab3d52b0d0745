// Find a user by the start of their e-mail address.
import Link from "next/link";
import { z } from "zod";
import { searchUsersByEmail, USER_SEARCH_LIMIT } from "@/lib/admin/users";
import { requireAdmin } from "@/lib/auth/admin";
import { db } from "@/lib/db/client";
import { formatDate, DEFAULT_LOCALE } from "@/lib/format";

export const metadata = { title: "Users" };

const querySchema = z.object({ q: z.string().trim().max(254, "the search is at most 254 characters").optional() });

export default async function UsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireAdmin("/admin/users");
  const raw = (await searchParams).q;
  const parsed = querySchema.safeParse({ q: Array.isArray(raw) ? raw[0] : raw });
  const q = parsed.success ? (parsed.data.q ?? "") : "";
  const hits = q ? await searchUsersByEmail(db(), q) : [];

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-zinc-900">Users</h1>
      <form method="get" role="search" className="flex max-w-lg gap-2">
        <label htmlFor="user-search" className="sr-only">
          E-mail starts with
        </label>
        <input
          id="user-search"
          name="q"
          type="search"
          defaultValue={q}
          placeholder="E-mail starts with…"
          className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm"
        />
        <button type="submit" className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white">
          Search
        </button>
      </form>
      {!parsed.success && (
        <p role="alert" className="text-sm text-red-800">
          {parsed.error.issues[0]!.message}
        </p>
      )}
      {q && hits.length === 0 && <p className="text-zinc-600">No user&apos;s e-mail starts with “{q}”.</p>}
      {hits.length > 0 && (
        <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white" aria-label="Users found">
          {hits.map((user) => (
            <li key={user.id}>
              <Link
                href={`/admin/users/${user.id}`}
                className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3 hover:bg-zinc-50"
              >
                <span className="font-medium text-zinc-900">{user.email}</span>
                <span className="text-sm text-zinc-600">
                  {user.role === "admin" ? "admin · " : ""}since {formatDate(user.createdAt, DEFAULT_LOCALE, "UTC")}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {hits.length === USER_SEARCH_LIMIT && (
        <p className="text-sm text-zinc-600">
          The first {USER_SEARCH_LIMIT} matches; type more of the address to narrow.
        </p>
      )}
    </div>
  );
}
