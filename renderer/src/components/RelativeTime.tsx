import { useState } from 'react';
import { exactTime, relativeTime } from '../time';

/**
 * A past moment as people say it ("12 minutes ago"), with the exact local time as its tooltip. The
 * tooltip is formatted when the pointer first rests on it, not with the page: the first
 * Intl.DateTimeFormat a window makes costs 30–50 ms in Chromium (ICU loads its date patterns), which a
 * table of just-checked orgs otherwise paid before it appeared, for tooltips nobody had asked for.
 */
export function RelativeTime({ iso, now }: { iso: string; now: Date }) {
  const [title, setTitle] = useState<string>();
  return (
    <time dateTime={iso} title={title} onPointerEnter={() => setTitle((shown) => shown ?? exactTime(iso))}>
      {relativeTime(iso, now)}
    </time>
  );
}
