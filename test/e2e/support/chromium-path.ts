/** Debian's Chromium; CHROMIUM_PATH points elsewhere, e.g. to prove that a missing browser fails the tier. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
