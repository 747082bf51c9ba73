/**
 * The verbs applications of the daemon: one VerbsApps for the configured webhook, WebSocket and
 * inline applications (`calls.apps.<name>.application`), whose runners get the call's speech
 * (the call's MRCP session, built-in engines by default) as a capability; their verb and
 * application events go to /v1/events through the CallManager. Outbound dials placed by the API
 * with an `application` run it once the callee is reached.
 */
import {
  type AppEvent,
  type AppSource,
  type Call,
  type CallManager,
  dialCapabilities,
  type HostCapabilities,
  type OutboundDial,
  stepSpeech,
  VerbsApps,
} from '../call/index.js';
import type { Config } from './config/index.js';
import { toVerbsApps } from './config/call-schema.js';
import type { Logger } from './logger.js';

/** Capabilities a call gets beyond what CallVerbHost has (dial and mute plug in here). */
export type CapabilitiesFor = (call: Call, manager: CallManager) => HostCapabilities;

/** Speech over the call's MRCP session; dial (bridging) and mute over the manager. */
export function defaultCapabilities(config: Config): CapabilitiesFor {
  const trunk = config.calls.dialTrunk;
  return (call, manager) => ({
    speech: stepSpeech(call),
    ...dialCapabilities(manager, call, trunk !== undefined ? { trunk } : {}),
  });
}

export interface VerbsLayer {
  readonly apps: VerbsApps;
  /** Binds the manager once it exists (capabilities and events need it). */
  bind(manager: CallManager): void;
  /** DialerOptions.onConnected: a dial placed with an application runs it on its call. */
  onConnected(dial: OutboundDial): void;
}

/** An API application spec as the runner takes it, or why not. */
export function appSourceOf(spec: Readonly<Record<string, unknown>>): AppSource | string {
  if (typeof spec.webhook === 'string')
    return { webhook: spec.webhook, ...(spec.method === 'GET' ? { method: 'GET' as const } : {}) };
  if (typeof spec.websocket === 'string') return { websocket: spec.websocket };
  // The runner checks the verbs themselves (the API already refused an invalid list).
  if (Array.isArray(spec.verbs)) return { verbs: spec.verbs };
  return 'application needs webhook, websocket or verbs';
}

export function createVerbsLayer(
  config: Config,
  logger: Logger,
  capabilities: CapabilitiesFor = defaultCapabilities(config),
): VerbsLayer {
  const log = logger.child({ component: 'verbs' });
  let manager: CallManager | undefined;
  const { api } = config;
  const apps = new VerbsApps({
    apps: toVerbsApps(config.calls),
    capabilities: (call) => (manager ? capabilities(call, manager) : {}),
    onEvent: (ev: AppEvent) => {
      if (ev.type === 'app:error' || ev.type === 'app:fallback')
        log.warn(ev.type, { callId: ev.callSid, ...ev.data });
      manager?.publish({ type: ev.type, callId: ev.callSid, time: Date.now(), data: ev.data });
    },
  });
  return {
    apps,
    bind(m) {
      manager = m;
    },
    onConnected(dial) {
      const call = dial.call;
      if (!call || call.ended) return;
      const source = appSourceOf(dial.application ?? {});
      if (typeof source === 'string') {
        log.warn('dial application refused', { callId: call.callId, dial: dial.id, error: source });
        return call.hangup(41, 'bad-application');
      }
      const body = apps.bodyFor(call, {
        source,
        ...(api.appSecret ? { secret: api.appSecret } : {}),
        fallback: { prompt: 'error.wav', cause: 41 },
      });
      const spec = { name: 'api', steps: [], maxDurationMs: config.dialing.connectedMaxSeconds * 1000 };
      call.runApp(spec, body).catch((err: Error) => {
        log.error('application failed', { callId: call.callId, error: err.message });
        call.hangup(41, 'app-error');
      });
    },
  };
}
