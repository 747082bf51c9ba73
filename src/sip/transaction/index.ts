export * from './timers.js';
export * from './transaction.js';
export * from './client.js';
export * from './server.js';
export * from './layer.js';
export * from './linger.js';
