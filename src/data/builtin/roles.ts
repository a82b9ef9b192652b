// Which attributes matter in the built-in world, by design (docs/builtin-dataset.md):
//   drivers    — appear in some axis's taste formula (axes.ts);
//   proxies    — drawn from a driver (household type from marital status and children, class of
//                worker from employment, industry and job description from occupation), so they
//                carry some information by correlation but never drive a taste themselves;
//   irrelevant — drawn from a separate random stream without looking at any driver: no
//                information about preferences, even by proxy.
import { ATTRIBUTE_KEYS, type AttributeKey } from '../schema';
import { AXES } from './axes';

export const DRIVER_ATTRIBUTES: readonly AttributeKey[] = ATTRIBUTE_KEYS.filter((k) => AXES.some((a) => a.drivers.includes(k)));
export const PROXY_ATTRIBUTES: readonly AttributeKey[] = ['class of worker', 'industry category', 'detailed job description', 'household type'];
export const IRRELEVANT_ATTRIBUTES: readonly AttributeKey[] = ATTRIBUTE_KEYS.filter((k) => !DRIVER_ATTRIBUTES.includes(k) && !PROXY_ATTRIBUTES.includes(k));
