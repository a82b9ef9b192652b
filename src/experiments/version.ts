// The app version a run record names, from package.json (bundled by Vite, read by tsx in Node).
import pkg from '../../package.json';

export const APP_VERSION: string = pkg.version;
