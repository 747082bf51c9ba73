/**
 * The call layer as a daemon Service: one frame clock and one RTP port pool for the process, the
 * CallManager on the SIP stack, CDR lines through the logger (component `cdr`), and metrics.
 * Speech steps (say, gather) open their sessions through the daemon's MRCP client: by default to
 * the built-in server and its engines (espeak-ng, PocketSphinx, DTMF), else to the first pool of
 * `mrcpClient.pools`; a step's `vendor` names another pool.
 * Drain waits for the calls to end (the SIP stack answers new INVITEs 503 meanwhile); stop hangs
 * every call up (BYE) while the SIP stack is still running (services stop in reverse order).
 */
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import { ManagerCallsPort, mountCallApi, type CallApi, type HttpServer } from '../api/index.js';
import { CallManager, type Cdr, type DialerOptions, type SpeechProvider } from '../call/index.js';
import { loadProfiles, trunkProfileFor, type DialingProfiles } from '../dialing/index.js';
import type { FrameClock } from '../media/index.js';
import type { PortPool } from '../rtp/index.js';
import { type RtpDropCounters } from '../rtp/index.js';
import type { SipStack } from '../sip/index.js';
import type { Config } from './config/index.js';
import { toApps, toRoutes, toTrunkMedia } from './config/call-schema.js';
import type { Logger } from './logger.js';
import type { MediaShared } from './media-shared.js';
import { registerPlainMetrics } from './plain-metrics.js';
import type { Service } from './service.js';
import type { KeepaliveDefaults } from './sip-service.js';
import { createVerbsLayer, type CapabilitiesFor, type VerbsLayer } from './verbs-service.js';

export const PACKAGE_PROMPTS = fileURLToPath(new URL('../../../prompts/', import.meta.url));
export const PACKAGE_PROFILES = fileURLToPath(new URL('../../../profiles/dialing/', import.meta.url));

/**
 * The dialing profiles of `dialing.profilesDir` (default: the package's). A folder that does not
 * load leaves outbound dialing off (POST /v1/calls answers 503) and says why in the log, rather
 * than keeping the SIP side of the daemon down.
 */
export function loadDialingProfiles(config: Config, log: Logger): DialingProfiles | undefined {
  const dir = config.dialing.profilesDir ?? PACKAGE_PROFILES;
  try {
    const p = loadProfiles(dir);
    log.info('dialing profiles loaded', {
      dir,
      trunks: p.trunks.size,
      platforms: p.platforms.length,
      plans: p.plans.size,
    });
    return p;
  } catch (err) {
    log.error('dialing profiles not loaded: outbound dialing is off', { dir, error: (err as Error).message });
    return undefined;
  }
}

/** The OPTIONS keepalive of each SIP trunk whose carrier profile (a profile file) asks for one. */
export function keepaliveDefaults(config: Config, profiles: DialingProfiles): KeepaliveDefaults {
  const out: Record<string, { intervalSeconds: number; downAfter: number }> = {};
  for (const t of config.sip.trunks) {
    const p = trunkProfileFor(profiles, t.name, config.dialing.trunkProfiles);
    if (p && p.file !== '<defaults>' && p.optionsIntervalS > 0)
      out[t.name] = { intervalSeconds: p.optionsIntervalS, downAfter: 2 };
  }
  return out;
}

function dialingOptions(
  config: Config,
  profiles: DialingProfiles | undefined,
  verbs: VerbsLayer,
): DialerOptions | undefined {
  if (!profiles) return undefined;
  return {
    profiles,
    trunkProfiles: config.dialing.trunkProfiles,
    maxQueueWaitMs: config.dialing.maxQueueWaitSeconds * 1000,
    connectedMaxMs: config.dialing.connectedMaxSeconds * 1000,
    onConnected: (dial) => verbs.onConnected(dial),
  };
}

export interface CallLayer {
  manager: CallManager;
  frameClock: FrameClock;
  pool: PortPool;
  drops: RtpDropCounters;
  log: Logger;
  verbs: VerbsLayer;
}

export function createCallLayer(
  config: Config,
  stack: SipStack,
  logger: Logger,
  shared: MediaShared,
  onCdr?: (cdr: Cdr) => void,
  speech?: SpeechProvider,
  capabilities?: CapabilitiesFor,
  /** Profiles already loaded (null: they did not load); undefined: load them here. */
  profiles?: DialingProfiles | null,
): CallLayer {
  const log = logger.child({ component: 'call' });
  const { frameClock, pool, counters: drops } = shared;
  const { media, calls } = config;
  const verbs = createVerbsLayer(config, logger, capabilities);
  const loaded = profiles === undefined ? loadDialingProfiles(config, log) : (profiles ?? undefined);
  const dialing = dialingOptions(config, loaded, verbs);
  const manager = new CallManager({
    stack,
    frameClock,
    rtp: {
      pool,
      host: config.rtp.host,
      counters: drops,
      logger: logger.child({ component: 'rtp' }),
      inactivityTimeoutMs: media.inactivityTimeoutSeconds * 1000,
      jitterBuffer: { ...media.jitterBuffer },
    },
    rate: media.rate,
    inbandDetect: media.inbandDetect,
    defaultMedia: toTrunkMedia(calls.defaultMedia),
    trunkMedia: Object.fromEntries(Object.entries(calls.trunkMedia).map(([k, v]) => [k, toTrunkMedia(v)])),
    apps: toApps(calls),
    routes: toRoutes(calls),
    promptsDir: media.promptsDir ?? PACKAGE_PROMPTS,
    recordingsDir: media.recordingsDir,
    maxCalls: calls.maxCalls,
    clipCacheBytes: media.clipCacheMB << 20,
    logger: log,
    cdrLogger: logger.child({ component: 'cdr' }),
    ...(onCdr ? { onCdr } : {}),
    ...(speech ? { speech: { provider: speech } } : {}),
    ...(dialing ? { dialing } : {}),
    appBody: verbs.apps.appBody,
  });
  verbs.bind(manager);
  const trunkNames = new Set(config.sip.trunks.map((t) => t.name));
  for (const name of Object.keys(calls.trunkMedia)) {
    if (!trunkNames.has(name)) log.warn('calls.trunkMedia names no trunk of sip.trunks', { trunk: name });
  }
  if (calls.dialTrunk !== undefined && !trunkNames.has(calls.dialTrunk))
    log.warn('calls.dialTrunk names no trunk of sip.trunks', { trunk: calls.dialTrunk });
  for (const name of Object.keys(config.dialing.trunkProfiles)) {
    if (!trunkNames.has(name))
      log.warn('dialing.trunkProfiles names no trunk of sip.trunks', { trunk: name });
  }
  return { manager, frameClock, pool, drops, log, verbs };
}

/** Mounts POST/GET/PUT/DELETE /v1/calls, /v1/events and /v1/openapi.json on the daemon's HTTP server. */
export function mountCallsApi(http: HttpServer, layer: CallLayer, config: Config, version: string): CallApi {
  const { api } = config;
  return mountCallApi(http, new ManagerCallsPort(layer.manager, layer.verbs.apps), {
    tokens: api.tokens,
    maxBodyBytes: api.maxBodyBytes,
    rateLimit: { perSecond: api.ratePerSecond, burst: api.rateBurst },
    events: { maxClients: api.eventClients, maxBufferedBytes: 1 << 20 },
    version,
  });
}

export function callService(layer: CallLayer): Service {
  return {
    name: 'calls',
    start: () => Promise.resolve(),
    drain: () => layer.manager.drain(),
    stop: async () => {
      // Runners stop first, so no verb starts anything on a call being hung up.
      layer.verbs.apps.stopAll();
      await layer.manager.stop();
      layer.frameClock.stop();
    },
    listeners: () => ({}),
    summary: () => `${layer.manager.summary()} rtpPorts=${layer.pool.available}/${layer.pool.capacity}`,
    // SIGHUP: the profiles folder is read again and swapped in only if it loads (running dials
    // keep the job they resolved); the other dialing keys need a restart.
    reload: (next, changed) => {
      const dialer = layer.manager.dialer;
      const p = dialer ? loadDialingProfiles(next, layer.log) : undefined;
      if (dialer && p) dialer.setProfiles(p);
      return changed.filter((k) => !(dialer && p && k === 'dialing.profilesDir'));
    },
  };
}

/** The call layer's metrics: plain counters read at scrape time, and a CDR-driven histogram. */
export function registerCallMetrics(registry: client.Registry, layer: CallLayer): (cdr: Cdr) => void {
  const m = layer.manager;
  registerPlainMetrics(registry, () => m.counters as unknown as Record<string, unknown>, [
    { field: 'callsActive', name: 'calls_active', help: 'Calls alive now', type: 'gauge' },
    {
      field: 'callsStarted',
      name: 'calls_started_total',
      help: 'Calls started by direction',
      type: 'counter',
      label: 'direction',
    },
    { field: 'callsAnswered', name: 'calls_answered_total', help: 'Calls answered', type: 'counter' },
    {
      field: 'callsEnded',
      name: 'calls_ended_total',
      help: 'Calls ended by how they ended',
      type: 'counter',
      label: 'how',
    },
    {
      field: 'callsRefused',
      name: 'calls_refused_total',
      help: 'Incoming calls refused before media, by SIP status',
      type: 'counter',
      label: 'status',
    },
    {
      field: 'digitsReceived',
      name: 'dtmf_digits_received_total',
      help: 'DTMF digits received by source',
      type: 'counter',
      label: 'source',
    },
    {
      field: 'talkSeconds',
      name: 'call_talk_seconds_total',
      help: 'Answered call time, summed',
      type: 'counter',
    },
  ]);
  registerPlainMetrics(registry, () => ({ dropped: layer.drops }) as unknown as Record<string, unknown>, [
    {
      field: 'dropped',
      name: 'rtp_dropped_total',
      help: 'RTP/RTCP datagrams dropped by cause',
      type: 'counter',
      label: 'cause',
    },
  ]);
  registerPlainMetrics(registry, () => ({ ...layer.frameClock.stats, ports: layer.pool.available }), [
    {
      field: 'skippedTicks',
      name: 'media_frame_ticks_skipped_total',
      help: 'Frame clock ticks skipped after event-loop stalls',
      type: 'counter',
    },
    {
      field: 'maxLateMs',
      name: 'media_frame_tick_max_late_ms',
      help: 'Largest lateness of a frame tick, ms',
      type: 'gauge',
    },
    {
      field: 'subscriberErrors',
      name: 'media_frame_tick_errors_total',
      help: 'Frame tick handlers that threw',
      type: 'counter',
    },
    { field: 'ports', name: 'rtp_ports_free', help: 'RTP port pairs free in the pool', type: 'gauge' },
  ]);
  const duration = new client.Histogram({
    name: 'voicegate_call_duration_seconds',
    help: 'Call duration from INVITE to end, by direction and who ended it (from CDRs)',
    labelNames: ['direction', 'ended_by'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  const cdrs = new client.Counter({
    name: 'voicegate_cdrs_total',
    help: 'CDRs written, by direction and Q.850 cause',
    labelNames: ['direction', 'q850'] as const,
    registers: [registry],
  });
  const dialOutcomes = new client.Counter({
    name: 'voicegate_dial_outcomes_total',
    help: 'Outbound dials by platform profile and outcome (from CDRs)',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  const dialDuration = new client.Histogram({
    name: 'voicegate_dial_duration_seconds',
    help: 'Dial plan time from the INVITE to its outcome, by platform profile and outcome',
    labelNames: ['platform', 'outcome'] as const,
    buckets: [1, 2, 5, 10, 15, 20, 30, 45, 60, 120, 180],
    registers: [registry],
  });
  return (cdr) => {
    duration.observe({ direction: cdr.direction, ended_by: cdr.endCause.by }, cdr.durationMs / 1000);
    cdrs.inc({ direction: cdr.direction, q850: String(cdr.endCause.q850) });
    const d = cdr.dialing;
    if (d) {
      // Platform names come from the profiles (bounded by the loader), outcomes are a fixed set.
      dialOutcomes.inc({ platform: d.platform, outcome: d.outcome });
      const end = d.timings.connectedMs ?? cdr.durationMs;
      dialDuration.observe({ platform: d.platform, outcome: d.outcome }, end / 1000);
    }
  };
}
