/**
 * The calendar month (`YYYY-MM`, UTC) `monthsAgo` months before the one `now` falls in. The store's periods and the
 * "no future month" rule are UTC months, so relative demo months resolve the same way.
 */
export function monthBefore(now: Date, monthsAgo = 0): string {
  const index = now.getUTCFullYear() * 12 + now.getUTCMonth() - monthsAgo;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(
    2,
    '0',
  )}`;
}
