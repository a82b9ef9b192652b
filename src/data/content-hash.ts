// A fast, deterministic 64-bit content hash (two independent 32-bit lanes) for shard integrity,
// dataset fingerprints and ids. Not cryptographic: it detects corruption and duplicates, not attacks.
// Pure integer arithmetic on UTF-16 code units, so Node and every browser agree bit for bit.

export class ContentHasher {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;
  private n = 0;

  update(text: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    this.n += text.length;
    return this;
  }

  updateBytes(bytes: Uint8Array): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    this.n += bytes.length;
    return this;
  }

  /** 16 hex digits. Finalization mixes both lanes and the length (cyrb53-style avalanche). */
  hex(): string {
    let h1 = this.h1 ^ this.n;
    let h2 = this.h2 ^ Math.imul(this.n, 0x9e3779b1);
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  }
}

export function contentHash(text: string): string {
  return new ContentHasher().update(text).hex();
}
