export function findChrome(): string | undefined;
export const CHROMIUM_ARGS: string[];
export const NO_CHROME_MESSAGE: string;
export const EXIT_NO_CHROME: number;
