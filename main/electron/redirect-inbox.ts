/**
 * Holds redirect URLs the OS hands over before the core is ready (macOS can fire `open-url` during
 * launch, before `ready`), then delivers them in order. Pure: no Electron import.
 */
export interface RedirectInbox {
  /** Accepts a URL from the OS; delivered now if a receiver is attached, else queued. */
  push(url: string): void;
  /** Attaches the receiver and delivers everything queued so far. */
  attach(receiver: (url: string) => void): void;
}

/** Enough for a user double-clicking a link a few times during launch; older URLs are dropped. */
const MAX_QUEUED = 8;

export function createRedirectInbox(): RedirectInbox {
  const queued: string[] = [];
  let receiver: ((url: string) => void) | undefined;
  return {
    push(url) {
      if (receiver) return receiver(url);
      queued.push(url);
      if (queued.length > MAX_QUEUED) queued.shift();
    },
    attach(next) {
      receiver = next;
      for (const url of queued.splice(0)) next(url);
    },
  };
}
