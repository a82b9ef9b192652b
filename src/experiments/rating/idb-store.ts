// The browser's store of blind-rating items and votes (IndexedDB via idb), in its own database:
// items by id, votes by (rater id, item id) so one rater has one vote per item, and this browser's
// rater id. Imports write one transaction per file, so a failed import leaves the pool as it was.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RatingItem, Vote } from '../../protocol/rating';
import { voteKey } from './votes-file';

export const RATINGS_DB_NAME = 'persona-lab-ratings';
const VERSION = 1;

interface RatingsDb extends DBSchema {
  items: { key: string; value: RatingItem };
  votes: { key: string; value: Vote & { key: string } };
  meta: { key: string; value: string };
}

export class RatingStore {
  private constructor(private readonly db: IDBPDatabase<RatingsDb>) {}

  static async open(name = RATINGS_DB_NAME): Promise<RatingStore> {
    const db = await openDB<RatingsDb>(name, VERSION, {
      upgrade(d) {
        d.createObjectStore('items', { keyPath: 'id' });
        d.createObjectStore('votes', { keyPath: 'key' });
        d.createObjectStore('meta');
      },
      blocking() {
        db.close();
      },
    });
    return new RatingStore(db);
  }

  /** This browser's rater id, made once (random: two raters who type one name stay apart). */
  async raterId(): Promise<string> {
    const id = await this.db.get('meta', 'raterId');
    if (id) return id;
    const fresh = `r-${crypto.randomUUID()}`;
    await this.db.put('meta', fresh, 'raterId');
    return fresh;
  }

  async putItems(items: readonly RatingItem[]): Promise<void> {
    const tx = this.db.transaction('items', 'readwrite');
    await Promise.all([...items.map((i) => tx.store.put(i)), tx.done]);
  }

  async items(): Promise<RatingItem[]> {
    return this.db.getAll('items');
  }

  async votes(): Promise<Vote[]> {
    return (await this.db.getAll('votes')).map(({ key: _key, ...v }) => v);
  }

  /** Items and votes in one transaction: all of them are kept, or none. */
  async putAll(items: readonly RatingItem[], votes: readonly Vote[]): Promise<void> {
    const tx = this.db.transaction(['items', 'votes'], 'readwrite');
    await Promise.all([...items.map((i) => tx.objectStore('items').put(i)), ...votes.map((v) => tx.objectStore('votes').put({ ...v, key: voteKey(v) })), tx.done]);
  }
}
