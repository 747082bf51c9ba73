/** Every verb, declared once: its schema and its class. The verb list's types derive from it. */
import type { z } from 'zod';
import { ConfigVerb, configSchema } from './config.js';
import { DialVerb, dialSchema } from './dial.js';
import { DtmfVerb, dtmfSchema } from './dtmf.js';
import { GatherVerb, gatherSchema } from './gather.js';
import { HangupVerb, hangupSchema } from './hangup.js';
import { PauseVerb, pauseSchema } from './pause.js';
import { PlayVerb, playSchema } from './play.js';
import { RecordVerb, recordSchema } from './record.js';
import { RedirectVerb, redirectSchema } from './redirect.js';
import { SayVerb, saySchema } from './say.js';
import { TagVerb, tagSchema } from './tag.js';
import { TransferVerb, transferSchema } from './transfer.js';
import type { Verb } from './verb.js';

export const VERB_SCHEMAS = {
  config: configSchema,
  say: saySchema,
  play: playSchema,
  gather: gatherSchema,
  dtmf: dtmfSchema,
  pause: pauseSchema,
  dial: dialSchema,
  transfer: transferSchema,
  'sip:refer': transferSchema,
  record: recordSchema,
  redirect: redirectSchema,
  hangup: hangupSchema,
  tag: tagSchema,
} as const;

export type VerbName = keyof typeof VERB_SCHEMAS;
export const VERB_NAMES = Object.keys(VERB_SCHEMAS) as VerbName[];
export type VerbSpec = z.infer<(typeof VERB_SCHEMAS)[VerbName]>;

export function isVerbName(s: unknown): s is VerbName {
  return typeof s === 'string' && Object.hasOwn(VERB_SCHEMAS, s);
}

/** One Verb instance per validated spec (each run gets fresh state). */
export function createVerb(spec: VerbSpec): Verb {
  switch (spec.verb) {
    case 'config':
      return new ConfigVerb(spec);
    case 'say':
      return new SayVerb(spec);
    case 'play':
      return new PlayVerb(spec);
    case 'gather':
      return new GatherVerb(spec);
    case 'dtmf':
      return new DtmfVerb(spec);
    case 'pause':
      return new PauseVerb(spec);
    case 'dial':
      return new DialVerb(spec);
    case 'transfer':
    case 'sip:refer':
      return new TransferVerb(spec);
    case 'record':
      return new RecordVerb(spec);
    case 'redirect':
      return new RedirectVerb(spec);
    case 'hangup':
      return new HangupVerb(spec);
    case 'tag':
      return new TagVerb(spec);
  }
}
