/**
 * Undo and redo over whole snapshots of the flow (the process as it would be saved, as JSON).
 * Snapshots rather than inverse operations: a flow is small, and a snapshot cannot drift from the
 * state it restores. A new snapshot after an undo drops what could have been redone.
 */
export class History {
  private entries: string[];
  private at = 0;

  constructor(
    first: string,
    private readonly limit = 100,
  ) {
    this.entries = [first];
  }

  /** Records the state; the same state as the current entry records nothing. */
  record(snapshot: string): void {
    if (snapshot === this.entries[this.at]) return;
    this.entries = this.entries.slice(0, this.at + 1);
    this.entries.push(snapshot);
    if (this.entries.length > this.limit) this.entries.shift();
    this.at = this.entries.length - 1;
  }

  get current(): string {
    return this.entries[this.at]!;
  }
  get canUndo(): boolean {
    return this.at > 0;
  }
  get canRedo(): boolean {
    return this.at < this.entries.length - 1;
  }

  /** The state before the current one, now current; undefined when there is none. */
  undo(): string | undefined {
    if (!this.canUndo) return undefined;
    return this.entries[--this.at];
  }

  redo(): string | undefined {
    if (!this.canRedo) return undefined;
    return this.entries[++this.at];
  }
}
