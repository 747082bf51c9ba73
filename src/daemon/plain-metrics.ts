/**
 * Publishes a layer's plain counters (numbers and bounded string-keyed records) as Prometheus
 * metrics, read at scrape time. The layers never see prom-client; the packet path only does `n++`.
 */
import client from 'prom-client';

export interface PlainMetricSpec {
  /** Field of the counters object. */
  field: string;
  /** Metric name without the `voicegate_` prefix. */
  name: string;
  help: string;
  /** Counters only go up; gauges are current values. */
  type: 'counter' | 'gauge';
  /** For record fields: the label carrying the record's key. */
  label?: string;
}

type Plain = Record<string, unknown>;

/** Registers one collector per spec; values come from `read()` at every scrape. */
export function registerPlainMetrics(
  registry: client.Registry,
  read: () => Plain,
  specs: readonly PlainMetricSpec[],
): void {
  for (const spec of specs) {
    const labelNames = spec.label ? [spec.label] : [];
    const config = {
      name: `voicegate_${spec.name}`,
      help: spec.help,
      labelNames,
      registers: [registry],
      collect(this: client.Gauge<string>) {
        const v = read()[spec.field];
        this.reset();
        if (typeof v === 'number') this.set(v);
        else if (spec.label && v && typeof v === 'object') {
          for (const [k, n] of Object.entries(v as Record<string, unknown>)) {
            if (typeof n === 'number') this.set({ [spec.label]: k }, n);
          }
        }
      },
    };
    // A counter read from a plain number is exposed as a Gauge with the `_total` name: prom-client
    // Counters cannot be set, and the value is monotonic at its source.
    new client.Gauge(config);
    if (spec.type === 'counter' && !spec.name.endsWith('_total')) {
      throw new Error(`counter metric ${spec.name} must end in _total`);
    }
  }
}
