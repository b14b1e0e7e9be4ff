import type { Sql } from 'postgres';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { OpArgs, type OpResult } from '../../schema/ops.ts';

/**
 * What an operator watches, in Prometheus' text format (docs/metrics.md).
 *
 * Two kinds of figures. What this process saw (sync requests and their ops, Node's own) counts
 * here, so a scrape of each API process adds up. What the shop did (slots, provider calls, their
 * cost and latency, webhook to ready) is read from Postgres at scrape time: the ledgers are the
 * truth whichever process did the work, so every process answers the same numbers for them.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly ops: Counter<'type' | 'status'>;
  private readonly batches: Histogram<'outcome'>;
  private readonly ledger: LedgerMetrics;

  constructor(sql: Sql, isSyncUp: () => Promise<boolean>) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'refrain_process_' });
    this.ops = new Counter({
      name: 'refrain_sync_ops_total',
      help: 'Ops answered by POST /api/sync in this process, by op type and answer (duplicate = an outbox replay).',
      labelNames: ['type', 'status'],
      registers,
    });
    this.batches = new Histogram({
      name: 'refrain_sync_request_duration_seconds',
      help: 'Time to apply and answer one POST /api/sync batch in this process.',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'refrain_zero_cache_up',
      help: '1 when zero-cache answers its readiness check, else 0.',
      registers,
      async collect() {
        this.set((await isSyncUp().catch(() => false)) ? 1 : 0);
      },
    });
    this.ledger = new LedgerMetrics(sql);
  }

  /** One answered sync batch: its ops by type and answer, and how long it took. */
  sync(sent: unknown[], results: OpResult[], seconds: number, outcome: 'ok' | 'limited' | 'error') {
    results.forEach((r, i) => {
      const op = sent[i] as { type?: unknown } | undefined;
      // An op's type is outside input: only a type the server knows becomes a label value, so
      // no client can grow the number of series.
      const type =
        typeof op?.type === 'string' && Object.hasOwn(OpArgs, op.type) ? op.type : 'other';
      this.ops.inc({ type, status: r.status });
    });
    this.batches.observe({ outcome }, seconds);
  }

  /** The text a scrape gets. */
  async text(): Promise<{ body: string; contentType: string }> {
    const [own, ledger] = await Promise.all([this.registry.metrics(), this.ledger.read()]);
    return {
      body: `${own.trimEnd()}\n\n${ledger.map(familyText).join('\n\n')}\n`,
      contentType: this.registry.contentType,
    };
  }
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: Sample[];
}

/** The shop's figures from its ledgers, one read per scrape (see Metrics). */
class LedgerMetrics {
  constructor(private readonly sql: Sql) {}

  async read(): Promise<Family[]> {
    const { sql } = this;
    const buckets = LATENCY_BUCKETS;
    const [slots, calls, durations, open, webhooks] = await Promise.all([
      sql<{ status: string; n: number }[]>`
        select status, count(*)::int as n from slots where is_current group by status`,
      sql<{ provider: string; kind: string; state: string; n: number; cents: string }[]>`
        select provider, kind, state, count(*)::int as n,
          coalesce(sum(estimated_cost_cents), 0)::text as cents
        from provider_calls group by provider, kind, state`,
      sql<{ provider: string; counts: number[]; n: number; total: number }[]>`
        with calls as (
          select provider, extract(epoch from finished_at - started_at)::float8 as d
          from provider_calls where finished_at is not null and kind <> 'poll'
        )
        select t.provider, t.n, t.total, b.counts from (
          select provider, count(*)::int as n, coalesce(sum(d), 0)::float8 as total
          from calls group by provider
        ) t join (
          select provider, array_agg(n order by le) as counts from (
            select c.provider, le, count(*) filter (where c.d <= le)::int as n
            from calls c cross join unnest(${buckets}::float8[]) as le group by c.provider, le
          ) per_bucket group by provider
        ) b using (provider)`,
      sql<{ provider: string; n: number }[]>`
        select c.provider, count(distinct c.slot_id)::int as n
        from provider_calls c join slots s on s.id = c.slot_id
        where c.state = 'accepted' and s.status = 'generating' group by c.provider`,
      sql<{ counts: number[] | null; n: number; total: number }[]>`
        with ready as (
          select extract(epoch from s.completed_at - w.at)::float8 as d
          from slots s
          join lateral (select max(received_at) as at from webhook_deliveries
                        where slot_id = s.id and received_at <= s.completed_at) w on w.at is not null
          where s.status = 'ready' and s.completed_at is not null
        )
        select (select count(*)::int from ready) as n,
          (select coalesce(sum(d), 0)::float8 from ready) as total,
          (select array_agg(n order by le) from (
            select le, (select count(*)::int from ready where d <= le) as n
            from unnest(${buckets}::float8[]) as le
          ) per_bucket) as counts`,
    ]);
    // A count over samples counted in SQL, written the way Prometheus reads a histogram.
    const histogram = (
      labels: Record<string, string>,
      row: { counts: number[] | null; n: number; total: number },
      name: string,
    ): Sample[] => [
      ...buckets.map((le, i) => ({
        metricName: `${name}_bucket`,
        labels: { ...labels, le },
        value: row.counts?.[i] ?? 0,
      })),
      { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: row.n },
      { metricName: `${name}_sum`, labels, value: row.total },
      { metricName: `${name}_count`, labels, value: row.n },
    ];
    return [
      {
        name: 'refrain_slots',
        help: 'Current slots (one variation of one song) by state, from Postgres.',
        type: 'gauge',
        values: slots.map((r) => ({ labels: { state: r.status }, value: r.n })),
      },
      {
        name: 'refrain_provider_calls_total',
        help: 'Calls to the music provider by kind and outcome, from the provider-call ledger.',
        type: 'counter',
        values: calls.map((r) => ({
          labels: { provider: r.provider, kind: r.kind, outcome: r.state },
          value: r.n,
        })),
      },
      {
        name: 'refrain_provider_estimated_cost_cents_total',
        help: 'Estimated cost of the provider calls, in US cents, from the provider-call ledger.',
        type: 'counter',
        values: sumBy(
          calls,
          (r) => r.provider,
          (r) => Number(r.cents),
        ).map(([provider, v]) => ({
          labels: { provider },
          value: v,
        })),
      },
      {
        name: 'refrain_provider_call_duration_seconds',
        help: 'Time from sending a generation request to the provider until its answer, from the ledger.',
        type: 'histogram',
        values: durations.flatMap((r) =>
          histogram({ provider: r.provider }, r, 'refrain_provider_call_duration_seconds'),
        ),
      },
      {
        name: 'refrain_provider_open_tasks',
        help: 'Slots whose accepted provider task is still generating.',
        type: 'gauge',
        values: open.map((r) => ({ labels: { provider: r.provider }, value: r.n })),
      },
      {
        name: 'refrain_webhook_to_ready_seconds',
        help: "Time from a slot's last webhook to the slot turning ready (its audio fetched and stored).",
        type: 'histogram',
        values: histogram({}, webhooks[0]!, 'refrain_webhook_to_ready_seconds'),
      },
    ];
  }
}

function sumBy<T>(rows: T[], key: (r: T) => string, value: (r: T) => number): [string, number][] {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(key(r), (sums.get(key(r)) ?? 0) + value(r));
  return [...sums];
}

// The text format's escaping (prometheus.io/docs/instrumenting/exposition_formats): label values
// escape backslash, double quote and newline; HELP escapes backslash and newline.
const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function familyText(f: Family): string {
  const lines = [`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`];
  for (const v of f.values) {
    const labels = Object.entries(v.labels)
      .map(([k, x]) => `${k}="${escapeLabel(String(x))}"`)
      .join(',');
    lines.push(`${v.metricName ?? f.name}${labels ? `{${labels}}` : ''} ${v.value}`);
  }
  return lines.join('\n');
}
