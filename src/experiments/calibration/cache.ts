// Where calibrations are kept between visits: IndexedDB in the browser (its own small database),
// keyed by calibrationKey (adapter, CPU threads, app version). Reading or writing it never fails
// a run: without storage the calibration is measured again next time.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Calibration } from '../../protocol/backend';

export const CALIBRATION_DB_NAME = 'persona-lab-calibration';

interface CalibrationDb extends DBSchema {
  calibrations: { key: string; value: Calibration };
}

let db: Promise<IDBPDatabase<CalibrationDb>> | null = null;

function open(): Promise<IDBPDatabase<CalibrationDb>> | null {
  if (typeof indexedDB === 'undefined') return null;
  db ??= openDB<CalibrationDb>(CALIBRATION_DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('calibrations', { keyPath: 'key' });
    },
  });
  return db;
}

export async function cachedCalibration(key: string): Promise<Calibration | null> {
  try {
    return (await (await open())?.get('calibrations', key)) ?? null;
  } catch {
    return null;
  }
}

export async function keepCalibration(c: Calibration): Promise<void> {
  try {
    await (await open())?.put('calibrations', c);
  } catch {
    // No storage (private mode, quota): measured again next visit.
  }
}
