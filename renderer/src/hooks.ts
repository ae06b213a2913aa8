import { useEffect, useState } from 'react';
import { exactTime } from './time';

/** navigator.onLine, live. Network features say plainly when they need a connection. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

/** The full local date and time (time.ts, whose formatter is made once). */
export function formatTime(iso: string | undefined): string {
  return exactTime(iso);
}
