/** Talking to call-control applications: signed webhooks and jambonz-style WebSocket sessions. */
export { SIGNATURE_HEADER, signBody, verifySignature } from './signature.js';
export {
  callWebhook,
  type WebhookErrorCode,
  type WebhookOptions,
  type WebhookResult,
} from './webhook-client.js';
export { WsAppSession, type AppCommand, type WsAppOptions, type WsAppResult } from './ws-app-client.js';
