/** What a server session sees of the MRCP server that owns it. */
import type { CodecId } from '../../sdp/index.js';
import type { MrcpAudioOptions } from '../audio/media-audio.js';
import type { EngineRegistry } from '../engines/registry.js';
import type { MrcpNetCounters } from '../net/metrics.js';
import type { Clock, MrcpLogger } from '../server/clock.js';
import type { SessionOptions } from '../server/session.js';

export interface ServerContext {
  readonly clock: Clock;
  readonly logger: MrcpLogger;
  readonly counters: MrcpNetCounters;
  readonly engines: EngineRegistry;
  /** Audio codecs in our order of preference. */
  readonly codecs: readonly CodecId[];
  /** Resources served (a=resource values accepted). */
  readonly resources: readonly string[];
  /** Our host in Warning headers. */
  readonly hostName: string;
  /** Addresses written in SDP: RTP (c= of the audio line) and the MRCP TCP listener. */
  readonly rtpAddress: string;
  readonly mrcpAddress: string;
  /** The MRCP TCP port (known once the listener is bound). */
  mrcpPort(): number;
  /** After the 2xx, how long the client has to bring a channel up over TCP. */
  readonly connectTimeoutMs: number;
  readonly sessionOptions: Pick<SessionOptions, 'defaultLanguage' | 'limits' | 'localBargeIn'>;
  audioOptions(logger: MrcpLogger): MrcpAudioOptions;
  /** The session (by identity) ended. */
  unregister(session: { readonly id: string }): void;
}
