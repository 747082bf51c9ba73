/** The sans-IO MRCPv2 server core: channels, resource state machines, parameters, grammars. */
export { MrcpChannel, type ChannelOptions } from './channel.js';
export { MrcpServerSession, type SessionOptions } from './session.js';
export {
  systemClock,
  silentLogger,
  TimerSlots,
  type Clock,
  type MrcpLogger,
  type TimerHandle,
} from './clock.js';
export { DEFAULT_LIMITS, newCounters, type ChannelLimits, type MrcpCounters } from './machine.js';
export type { SynthState } from './synth-machine.js';
export type { RecogState } from './recog-machine.js';
export type { RecorderState } from './recorder-machine.js';
export { EnergyVad, frameDbfs } from './energy.js';
export { parseGrammarRefList, parseUriList } from './grammars.js';
export { ntpTimestamp } from './audio-queue.js';
export { MrcpServerConnection, type ConnectionOptions, type ConnectionStats } from './connection.js';
