export * from './transport.js';
export * from './udp.js';
export * from './stream.js';
export * from './stream-framer.js';
export * from './memory.js';
export * from './transport-layer.js';
