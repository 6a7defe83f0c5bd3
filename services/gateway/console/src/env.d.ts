/** Rejection reason codes, injected at build time from the reviewer API's description (vite.config.mts). */
declare const __REASON_CODES__: string[];
