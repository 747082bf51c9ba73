/** MRCPv2 message codec: tables, message model, typed headers, stream parser, serializer. */
export * from './tables.js';
export * from './header-table.js';
export * from './message.js';
export * from './header-values.js';
export * from './errors.js';
export { parseMessage, parseStartLine, type MessageResult, type StartLine } from './parse-message.js';
export * from './stream-parser.js';
export * from './serializer.js';
export * from './builders.js';
