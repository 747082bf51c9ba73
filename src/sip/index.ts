/**
 * voicegate's SIP core: message model, parser and serializer; transports; transactions;
 * dialogs; the user agent core with trunks.
 *
 * Why our own: carriers peer with voicegate over SIP trunks, mostly over UDP, often with
 * 100rel/PRACK and early media, and they judge a peer by how it behaves under retransmission,
 * loss and odd-but-legal messages. No well-kept Node.js SIP stack fits a UDP trunk daemon: npm
 * `sip` is unmaintained, SIP.js is built for browsers over WebSocket and leaves out the
 * unreliable-transport timers (Timer A and the UDP variants of D/I/J/K), and drachtio needs its
 * C++ server. So this module is written to the RFCs (3261, 3262, 3311, 3515, 3581, 4028, 6026,
 * 6086, 7616, 8760), typed, sans-IO where it can be (time and sockets are injected), and fast.
 *
 * It imports nothing else of voicegate's: the daemon passes options and a logger in, and reads
 * plain counters out.
 */
export * from './message/index.js';
export * from './clock.js';
export * from './logger.js';
export * from './metrics.js';
export * from './transport/index.js';
export * from './transaction/index.js';
export * from './dialog/index.js';
export * from './ua/index.js';
