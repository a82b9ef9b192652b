// Types of scripts/csp.mjs (the app's Content-Security-Policy) for vite.config.ts and the tests.
export declare const CSP_HEADER: string;
export declare const CSP_META: string;
export declare const CSP_DEV_HEADER: string;
