/** How long a case has waited, in the largest two units a reviewer cares about. */
export function waitingTime(submittedAt: string | null, now: number): string {
  if (!submittedAt) return '—';
  const minutes = Math.max(0, Math.floor((now - Date.parse(submittedAt)) / 60_000));
  if (minutes < 1) return '< 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export const dateTime = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');

/** PHOTO_UNREADABLE -> "Photo unreadable". */
export const reasonLabel = (code: string): string => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');

export const PHOTO_TYPES: Record<number, string> = { 0: 'Hand-held ID photo', 1: 'ID card front', 2: 'ID card back' };
