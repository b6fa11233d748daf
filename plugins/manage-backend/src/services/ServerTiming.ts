/** Collects named durations for the `Server-Timing` response header (visible in browser dev tools and benchmarks). */
export class ServerTiming {
  private readonly started = process.hrtime.bigint();
  private readonly entries: string[] = [];

  async measure<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      this.entries.push(`${name};dur=${ms(start)}`);
    }
  }

  /** The header value, ending with the total as `total`. */
  header(): string {
    return [...this.entries, `total;dur=${ms(this.started)}`].join(', ');
  }
}

function ms(since: bigint): string {
  return (Number(process.hrtime.bigint() - since) / 1e6).toFixed(1);
}
