/**
 * The built-in MRCPv2 server and the MRCP client as one daemon Service, from the `mrcpServer` and
 * `mrcpClient` config sections: engines loaded per resource and language (the test engines or
 * plugin modules), the server's own SIP user agent (8060) and TCP listener (1544), the client's
 * pools (by default the built-in server), and their plain counters published as metrics.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type client from 'prom-client';
import {
  createBuiltinEngines,
  createTestRecognizer,
  createToneSynthesizer,
  createWavRecorder,
  EngineRegistry,
  engineKindFor,
  loadEngineModule,
  MrcpClient,
  MrcpServer,
  mrcpServerSipOptions,
  newNetCounters,
  type MrcpSpeechSession,
  type OpenSessionOptions,
  type BuiltinEnginesOptions,
  type MrcpEngine,
  type MrcpNetCounters,
  type MrcpPoolEntry,
  type LatencyHistogram,
} from '../mrcp/index.js';
import type { Config } from './config/index.js';
import type { Logger } from './logger.js';
import type { MediaShared } from './media-shared.js';
import type { Service } from './service.js';

/** What the MRCP sessions share with the call layer: one port pool and one frame clock per daemon. */

export interface MrcpServices {
  server: MrcpServer | undefined;
  /** Made at start when it points at the built-in server on an ephemeral SIP port (port 0). */
  client: MrcpClient | undefined;
  /** The client's counters (the same object whenever the client is made). */
  clientCounters: MrcpNetCounters | undefined;
  /** The call layer's speech provider: the client, whenever it exists. */
  speech: { openSession(o: OpenSessionOptions): Promise<MrcpSpeechSession> } | undefined;
  engines: EngineRegistry;
  service: Service;
}

/** The engines of one config entry (`test` or a module), filtered by resource, languages replaced. */
async function loadEntry(
  entry: Config['mrcpServer']['engines'][number],
  logger: Logger,
): Promise<MrcpEngine[]> {
  let engines: MrcpEngine[];
  if (entry.module === 'builtin') {
    engines = await createBuiltinEngines({ ...(entry.options as BuiltinEnginesOptions), logger });
  } else if (entry.module === 'test') {
    const dir =
      typeof entry.options.recordDir === 'string'
        ? entry.options.recordDir
        : join(tmpdir(), 'voicegate-recordings');
    engines = [createToneSynthesizer(), createTestRecognizer(), createWavRecorder({ dir })];
  } else {
    engines = await loadEngineModule(entry.module, entry.options);
  }
  if (entry.resources) {
    const kinds = new Set(entry.resources.map((r) => engineKindFor(r)));
    engines = engines.filter((e) => kinds.has(e.kind));
  }
  const languages = entry.languages;
  // The engine object stays the prototype, so methods (and class instances) keep working.
  if (languages) engines = engines.map((e) => Object.assign(Object.create(e) as MrcpEngine, { languages }));
  return engines;
}

export function createMrcp(config: Config, logger: Logger, media: MediaShared): MrcpServices {
  const s = config.mrcpServer;
  const x = s;
  const c = config.mrcpClient;
  const engines = new EngineRegistry();
  const slog = logger.child({ component: 'mrcp-server' });
  const clog = logger.child({ component: 'mrcp-client' });
  const server = s.enabled
    ? new MrcpServer({
        sip: {
          ...mrcpServerSipOptions({
            host: s.host,
            port: s.sipPort,
            clients: x.clients,
            protocols: x.sipTransports,
          }),
          ...(x.advertise ? { advertise: { host: x.advertise, port: s.sipPort } } : {}),
          logger: slog,
        },
        mrcp: {
          host: s.host,
          port: s.mrcpPort,
          ...(x.advertise ? { advertise: x.advertise } : {}),
          maxConnections: x.maxConnections,
          maxChannels: x.maxChannelsPerConnection,
          idleTimeoutMs: x.connectionIdleSeconds * 1000,
          maxMessageSize: x.maxMessageSize,
        },
        rtp: {
          pool: media.pool,
          host: config.rtp.host,
          counters: media.counters,
          ...(x.advertise ? { advertise: x.advertise } : {}),
        },
        engines,
        resources: x.resources,
        codecs: x.codecs,
        maxSessions: x.maxSessions,
        connectTimeoutMs: x.connectTimeoutSeconds * 1000,
        channel: {
          defaultLanguage: x.defaultLanguage,
          localBargeIn: x.localBargeIn,
          limits: {
            engineTimeoutMs: x.engineTimeoutMs,
            maxQueue: x.maxQueue,
            maxBufferedAudioMs: x.maxBufferedAudioMs,
            maxGrammars: x.maxGrammars,
            maxGrammarBytes: x.maxGrammarBytes,
          },
        },
        frameClock: media.frameClock,
        logger: slog,
      })
    : undefined;
  const builtinPool = (port: number): MrcpPoolEntry[] => {
    const host = s.host === '0.0.0.0' ? '127.0.0.1' : s.host === '::' ? '::1' : s.host;
    const sip = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    return [
      {
        name: 'builtin',
        servers: [{ name: 'local', sip, transport: x.sipTransports.includes('udp') ? 'udp' : 'tcp' }],
      },
    ];
  };
  const toBuiltin = c.pools.length === 0 && server !== undefined;
  // An ephemeral server port is known only once the server listens: the client is made then.
  const deferred = toBuiltin && s.sipPort === 0;
  const clientCounters = c.enabled && (c.pools.length > 0 || server) ? newNetCounters() : undefined;
  const makeClient = (pools: MrcpPoolEntry[]): MrcpClient | undefined =>
    c.enabled && pools.length > 0
      ? new MrcpClient({
          pools,
          sip: { host: c.host, port: c.sipPort, protocols: c.sipTransports, extra: { logger: clog } },
          rtp: { pool: media.pool, host: config.rtp.host, counters: media.counters },
          timeouts: c.timeouts,
          limits: c.limits,
          autoBargeIn: c.autoBargeIn,
          frameClock: media.frameClock,
          logger: clog,
          ...(clientCounters ? { counters: clientCounters } : {}),
        })
      : undefined;
  let mrcpClient = deferred ? undefined : makeClient(toBuiltin ? builtinPool(s.sipPort) : c.pools);
  const service: Service = {
    name: 'mrcp',
    async start() {
      if (server) {
        for (const entry of x.engines) for (const e of await loadEntry(entry, slog)) engines.add(e);
        slog.info('MRCP engines', {
          engines: engines.list().map((e) => `${e.kind}/${e.name} ${e.languages.join(',')}`),
        });
        await server.start();
        if (deferred) {
          // With port 0 each transport has its own port: take the one the pool's transport uses.
          const proto = x.sipTransports.includes('udp') ? 'udp' : 'tcp';
          const key = Object.keys(server.listeners()).find((k) => k.startsWith(`sip-${proto}-`));
          mrcpClient = makeClient(builtinPool(Number(key?.slice(`sip-${proto}-`.length) ?? 0)));
          out.client = mrcpClient;
        }
      }
      if (mrcpClient) await mrcpClient.start();
    },
    async drain() {
      await Promise.all([mrcpClient?.drain(), server?.drain()]);
    },
    async stop() {
      await mrcpClient?.stop();
      await server?.stop();
    },
    listeners: () => ({ ...server?.listeners(), ...mrcpClient?.listeners() }),
    summary: () => [server?.summary(), mrcpClient?.summary()].filter(Boolean).join(' '),
  };
  const out: MrcpServices = {
    server,
    client: mrcpClient,
    clientCounters,
    engines,
    service,
    speech: clientCounters
      ? {
          openSession: (o) =>
            mrcpClient
              ? mrcpClient.openSession(o)
              : Promise.reject(new Error('the MRCP client is not started')),
        }
      : undefined,
  };
  return out;
}

// --- metrics ---

interface Sample {
  labels: Record<string, string>;
  value: number;
  metricName?: string;
}

/** A metric read from plain counters at scrape time (any Prometheus type, histograms included). */
function collector(
  registry: client.Registry,
  name: string,
  help: string,
  type: 'counter' | 'gauge' | 'histogram',
  read: () => Sample[],
): void {
  const full = `voicegate_${name}`;
  const metric = {
    name: full,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name: full, help, type, aggregator: 'sum', values: read() }),
    reset: () => undefined,
  };
  registry.registerMetric(metric as unknown as client.Metric);
}

function entries(rec: Record<string, number>, split: (k: string) => Record<string, string>): Sample[] {
  return Object.entries(rec).map(([k, value]) => ({ labels: split(k), value }));
}

function histogram(name: string, side: string, h: LatencyHistogram): Sample[] {
  const out: Sample[] = [];
  let cum = 0;
  h.bounds.forEach((b, i) => {
    cum += h.counts[i] ?? 0;
    out.push({ metricName: `${name}_bucket`, labels: { side, le: String(b) }, value: cum });
  });
  out.push({ metricName: `${name}_bucket`, labels: { side, le: '+Inf' }, value: h.count });
  out.push({ metricName: `${name}_sum`, labels: { side }, value: h.sum });
  out.push({ metricName: `${name}_count`, labels: { side }, value: h.count });
  return out;
}

/** Publishes both sides' counters: `side` is `server` or `client`. */
export function registerMrcpMetrics(registry: client.Registry, mrcp: MrcpServices): void {
  const sides: [string, MrcpNetCounters][] = [];
  if (mrcp.server) sides.push(['server', mrcp.server.counters]);
  if (mrcp.clientCounters) sides.push(['client', mrcp.clientCounters]);
  const each = (f: (side: string, c: MrcpNetCounters) => Sample[]) => () =>
    sides.flatMap(([side, c]) => f(side, c));
  const perResource =
    (field: 'requests' | 'responses' | 'events' | 'causes', split: (k: string) => Record<string, string>) =>
    (side: string, c: MrcpNetCounters) =>
      Object.entries(c.resources).flatMap(([resource, rc]) =>
        entries(rc[field], (k) => ({ side, resource, ...split(k) })),
      );
  const gauge = (
    name: string,
    help: string,
    field: 'sessionsActive' | 'channelsActive' | 'connectionsActive',
  ) =>
    collector(
      registry,
      name,
      help,
      'gauge',
      each((side, c) => [{ labels: { side }, value: c[field] }]),
    );
  gauge('mrcp_sessions_active', 'MRCP sessions (SIP dialogs) alive', 'sessionsActive');
  gauge('mrcp_channels_active', 'MRCP control channels alive', 'channelsActive');
  gauge('mrcp_connections_active', 'MRCPv2 TCP connections open', 'connectionsActive');
  collector(
    registry,
    'mrcp_sessions_opened_total',
    'MRCP sessions set up',
    'counter',
    each((side, c) => [{ labels: { side }, value: c.sessionsOpened }]),
  );
  collector(
    registry,
    'mrcp_sessions_closed_total',
    'MRCP sessions ended, by reason',
    'counter',
    each((side, c) => entries(c.sessionsClosed, (reason) => ({ side, reason }))),
  );
  collector(
    registry,
    'mrcp_setup_failures_total',
    'MRCP session setups that failed, by cause',
    'counter',
    each((side, c) => entries(c.setupFailures, (cause) => ({ side, cause }))),
  );
  collector(
    registry,
    'mrcp_dropped_total',
    'MRCP input refused or dropped, by cause',
    'counter',
    each((side, c) => entries(c.dropped, (cause) => ({ side, cause }))),
  );
  collector(
    registry,
    'mrcp_timeouts_total',
    'MRCP client steps that timed out',
    'counter',
    each((side, c) => entries(c.timeouts, (step) => ({ side, step }))),
  );
  collector(
    registry,
    'mrcp_failovers_total',
    'MRCP sessions set up on another server of the pool',
    'counter',
    each((side, c) => [{ labels: { side }, value: c.failovers }]),
  );
  collector(
    registry,
    'mrcp_requests_total',
    'MRCP requests by resource and method',
    'counter',
    each(perResource('requests', (method) => ({ method }))),
  );
  collector(
    registry,
    'mrcp_responses_total',
    'MRCP responses by resource, method and status',
    'counter',
    each(
      perResource('responses', (k) => {
        const i = k.lastIndexOf(' ');
        return { method: k.slice(0, i), status: k.slice(i + 1) };
      }),
    ),
  );
  collector(
    registry,
    'mrcp_events_total',
    'MRCP events by resource and name',
    'counter',
    each(perResource('events', (event) => ({ event }))),
  );
  collector(
    registry,
    'mrcp_completion_causes_total',
    'MRCP completion causes by resource',
    'counter',
    each(perResource('causes', (k) => ({ cause: k.slice(k.indexOf(' ') + 1) }))),
  );
  collector(
    registry,
    'mrcp_engine_failures_total',
    'Engine errors, throws and missed deadlines',
    'counter',
    each((side, c) =>
      Object.entries(c.resources).map(([resource, rc]) => ({
        labels: { side, resource },
        value: rc.engineFailures,
      })),
    ),
  );
  collector(
    registry,
    'mrcp_first_audio_seconds',
    'SPEAK to its first audio frame',
    'histogram',
    each((side, c) => histogram('voicegate_mrcp_first_audio_seconds', side, c.firstAudio)),
  );
  collector(
    registry,
    'mrcp_recognition_seconds',
    'RECOGNIZE to RECOGNITION-COMPLETE',
    'histogram',
    each((side, c) => histogram('voicegate_mrcp_recognition_seconds', side, c.recognitionTime)),
  );
}
