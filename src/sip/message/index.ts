/** The SIP message layer: model, parser, serializer, URIs and header values. */
export * from './errors.js';
export * from './grammar.js';
export * from './header-names.js';
export * from './headers.js';
export * from './message.js';
export * from './name-addr.js';
export * from './params.js';
export * from './parser.js';
export * from './serializer.js';
export * from './uri.js';
export * from './via.js';
export * from './core-headers.js';
export * from './build.js';
export * from './ids.js';
