/**
 * MRCPv2 layer (RFC 6787): message codec, NLSML, resource state machines and the engine plugin
 * interface. Pure and sans-IO so far; the networked server and client build on this face.
 */
export * from './codec/index.js';
export * from './nlsml/index.js';
export * from './engines/index.js';
export * from './server/index.js';
