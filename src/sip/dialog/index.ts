export * from './dialog.js';
export * from './session-timer.js';
