// 30 / 90 days: links (the range is a search parameter, so it is shareable and works without JS).
import Link from "next/link";
import { useTranslations } from "next-intl";
import { USAGE_RANGES, type UsageRange } from "@/lib/tokens/usage";

export function RangeToggle({ current }: { current: UsageRange }) {
  const t = useTranslations("usage");
  return (
    <nav aria-label={t("range")} className="inline-flex rounded-lg border border-zinc-300 bg-white p-0.5 text-sm">
      {USAGE_RANGES.map((days) => (
        <Link
          key={days}
          href={`/usage?range=${days}`}
          aria-current={days === current ? "page" : undefined}
          scroll={false}
          className={`rounded-md px-3 py-1.5 font-medium ${days === current ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100"}`}
        >
          {t("days", { days })}
        </Link>
      ))}
    </nav>
  );
}
