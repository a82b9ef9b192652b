// What an import skipped or repaired, in words: the same note twice becomes one with a count.
export class Notes {
  private counts = new Map<string, number>();
  add(note: string, n = 1): void {
    this.counts.set(note, (this.counts.get(note) ?? 0) + n);
  }
  list(): string[] {
    return [...this.counts].map(([note, n]) => (n > 1 ? `${note} (x${n})` : note));
  }
}
