/** Talking to call-control applications: signed webhooks and jambonz-style WebSocket sessions. */
export { SIGNATURE_HEADER, signBody, verifySignature } from './signature.js';
export {
  callWebhook,
  type WebhookErrorCode,
  type WebhookOptions,
  type WebhookResult,
} from './webhook-client.js';
export { WsAppSession, type AppCommand, type WsAppOptions, type WsAppResult } from './ws-app-client.js';
export type { AppChannel, ChannelErrorCode, ChannelResult, HookRef, Notification } from './app-channel.js';
export { HttpChannel, type HttpChannelOptions } from './http-channel.js';
export { WsChannel, type WsChannelOptions } from './ws-channel.js';
export { AppRunner } from './app-runner.js';
export type {
  AppCallInfo,
  AppEvent,
  AppFailure,
  AppRunEnd,
  AppRunnerOptions,
  AppSource,
  FallbackOptions,
  RedirectResult,
} from './app-runner-types.js';
export { VerbsApps, type VerbsAppConfig, type VerbsAppsOptions } from './verbs-apps.js';
export {
  dialCapabilities,
  dialCapability,
  type DialCapabilities,
  type DialCapabilityOptions,
  type DialPlacer,
} from './dial-capability.js';
export { statusOfPlan, statusOfSip, type DialStatus } from './dial-outcome.js';
