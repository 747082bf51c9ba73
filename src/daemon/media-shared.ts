/**
 * The daemon's media resources, one of each per process and shared by the call layer and the MRCP
 * server/client: the RTP port pool (so the two never hand out the same port), the 20 ms frame clock
 * (one timer for every stream) and the RTP drop counters.
 */
import { FrameClock } from '../media/index.js';
import { newDropCounters, PortPool, type RtpDropCounters } from '../rtp/index.js';
import type { Config } from './config/index.js';
import type { Logger } from './logger.js';

export interface MediaShared {
  pool: PortPool;
  frameClock: FrameClock;
  counters: RtpDropCounters;
}

export function createMediaShared(config: Config, logger: Logger): MediaShared {
  const log = logger.child({ component: 'media' });
  return {
    pool: new PortPool({ min: config.rtp.portMin, max: config.rtp.portMax }),
    frameClock: new FrameClock(undefined, 20, 3, (err) =>
      log.error('frame tick handler threw', { error: (err as Error).message }),
    ),
    counters: newDropCounters(),
  };
}
