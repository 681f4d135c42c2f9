/** Work that must finish even when the request that started it is gone; drained before the pool closes. */
export class InFlightWork {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly running = new Map<string, number>();

  /** Keeps `work` running to completion whatever happens to its caller, and returns it; `key` names what it is for. */
  track<T>(work: Promise<T>, key?: string): Promise<T> {
    if (key !== undefined) this.running.set(key, (this.running.get(key) ?? 0) + 1);
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => {
      this.pending.delete(settled);
      if (key === undefined) return;
      const left = (this.running.get(key) ?? 1) - 1;
      if (left === 0) this.running.delete(key);
      else this.running.set(key, left);
    });
    return work;
  }

  /** True while work tracked under `key` is still running in this process. */
  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  /** Resolves once everything tracked so far has settled. */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
  }
}
