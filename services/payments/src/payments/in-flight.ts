/** Work that must finish even when the request that started it is gone; drained before the pool closes. */
export class InFlightWork {
  private readonly pending = new Set<Promise<unknown>>();

  /** Keeps `work` running to completion whatever happens to its caller, and returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return work;
  }

  /** Resolves once everything tracked so far has settled. */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
  }
}
