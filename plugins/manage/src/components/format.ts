/** Display formats shared by the tiles and tables (en-US, as the rest of the portal). */

const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});

export const formatUsd = (value: number) => usd.format(value);

/** `+4.2%` / `-1.0%`; undefined when there is nothing to compare with. */
export function formatChange(
  current: number,
  previous: number | undefined,
): string | undefined {
  if (previous === undefined || previous === 0) return undefined;
  const change = ((current - previous) / previous) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
}

/** `2026-11` → `Nov 2026`. */
export function formatPeriod(period: string): string {
  const [year, month] = period.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, 1)).toLocaleDateString('en-US', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** Incidents in a month as a weekly rate (the month's days / 7). */
export function perWeek(incidents: number, period: string): number {
  const [year, month] = period.split('-').map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return incidents / (days / 7);
}

/** `95` → `1h 35m`; `40` → `40m`. */
export function formatMinutes(minutes: number): string {
  const rounded = Math.round(minutes);
  const h = Math.floor(rounded / 60);
  const m = rounded % 60;
  return h ? `${h}h ${m}m` : `${m}m`;
}

/** How long ago an ISO time was, coarsely: `just now`, `40 s ago`, `5 min ago`, `3 h ago`, `4 days ago`. */
export function formatAgo(iso: string, now: Date = new Date()): string {
  const seconds = Math.floor((now.getTime() - new Date(iso).getTime()) / 1000);
  return seconds < 1 ? 'just now' : `${formatSeconds(seconds)} ago`;
}

/** A duration, coarsely: `40 s`, `5 min`, `3 h`, `4 days`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}
