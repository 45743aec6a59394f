/**
 * How a reader running in a worker thread tells its watchdog (thread-read.ts) that work is under
 * way: before a blocking decode it announces what and how many bytes, which buys time in proportion.
 * Outside a worker nothing listens and the calls cost nothing.
 */
let listener: ((what: string, bytes: number) => void) | null = null;

export function setAnnounceListener(fn: ((what: string, bytes: number) => void) | null): void {
  listener = fn;
}

export function announce(what: string, bytes: number): void {
  listener?.(what, bytes);
}
