/**
 * ITU-T G.711 A-law and µ-law (encoder per the G.191 reference algorithm; decoders equal to sox's
 * and ffmpeg's). Two paths share one definition of the codec: the addon's bulk functions, and
 * 256/65,536-entry tables that the addon fills once for a plain JavaScript loop. Measured here
 * (bench/codec), one N-API call costs about 40 ns and then beats the JavaScript loop (about 1.1 ns
 * per element) from roughly 40 elements: a 20 ms frame (160) converts in about 105-135 ns natively
 * against 175-235 ns in JavaScript. So arrays of up to JS_PATH_MAX_ELEMENTS stay in JavaScript and
 * everything longer, frames and batches of frames or streams alike, goes native.
 */
import { checkBytes, checkCapacity, checkInt16 } from './check.js';
import { native, type NativeG711Tables } from './native.js';

/** Longest array converted in JavaScript (where the table loop beats the N-API call); longer ones go native. */
export const JS_PATH_MAX_ELEMENTS = 32;

let tables: NativeG711Tables | undefined;
function t(): NativeG711Tables {
  tables ??= native().g711_tables();
  return tables;
}

type Enc = (src: Int16Array, dst: Uint8Array) => void;
type Dec = (src: Uint8Array, dst: Int16Array) => void;
type Trans = (src: Uint8Array, dst: Uint8Array) => void;

function jsEncode(table: () => Uint8Array): Enc {
  return (src, dst) => {
    const e = table();
    for (let i = 0; i < src.length; i++) dst[i] = e[src[i]! + 32768]!;
  };
}
function jsLookup<T extends Int16Array | Uint8Array>(table: () => T): (src: Uint8Array, dst: T) => void {
  return (src, dst) => {
    const d = table();
    for (let i = 0; i < src.length; i++) dst[i] = d[src[i]!]!;
  };
}

/** The JavaScript table path, without argument checks (tests and benchmark). */
export const g711Js = {
  alawEncode: jsEncode(() => t().alaw_encode),
  ulawEncode: jsEncode(() => t().ulaw_encode),
  alawDecode: jsLookup(() => t().alaw_decode) as Dec,
  ulawDecode: jsLookup(() => t().ulaw_decode) as Dec,
  alawToUlaw: jsLookup(() => t().alaw_to_ulaw) as Trans,
  ulawToAlaw: jsLookup(() => t().ulaw_to_alaw) as Trans,
};

/** The addon path, without the TypeScript checks (tests and benchmark). */
export const g711Native = {
  alawEncode: ((src, dst) => native().g711_alaw_encode(src, dst)) as Enc,
  ulawEncode: ((src, dst) => native().g711_ulaw_encode(src, dst)) as Enc,
  alawDecode: ((src, dst) => native().g711_alaw_decode(src, dst)) as Dec,
  ulawDecode: ((src, dst) => native().g711_ulaw_decode(src, dst)) as Dec,
  alawToUlaw: ((src, dst) => native().g711_alaw_to_ulaw(src, dst)) as Trans,
  ulawToAlaw: ((src, dst) => native().g711_ulaw_to_alaw(src, dst)) as Trans,
};

function encoder(name: string, js: Enc, nat: Enc) {
  return (src: Int16Array, dst?: Uint8Array): Uint8Array => {
    checkInt16(name, 'src', src);
    const out = dst ?? new Uint8Array(src.length);
    checkBytes(name, 'dst', out);
    checkCapacity(name, 'dst', out.length, src.length);
    (src.length <= JS_PATH_MAX_ELEMENTS ? js : nat)(src, out);
    return out;
  };
}

function decoder(name: string, js: Dec, nat: Dec) {
  return (src: Uint8Array, dst?: Int16Array): Int16Array => {
    checkBytes(name, 'src', src);
    const out = dst ?? new Int16Array(src.length);
    checkInt16(name, 'dst', out);
    checkCapacity(name, 'dst', out.length, src.length);
    (src.length <= JS_PATH_MAX_ELEMENTS ? js : nat)(src, out);
    return out;
  };
}

function transcoder(name: string, js: Trans, nat: Trans) {
  return (src: Uint8Array, dst?: Uint8Array): Uint8Array => {
    checkBytes(name, 'src', src);
    const out = dst ?? new Uint8Array(src.length);
    checkBytes(name, 'dst', out);
    checkCapacity(name, 'dst', out.length, src.length);
    (src.length <= JS_PATH_MAX_ELEMENTS ? js : nat)(src, out);
    return out;
  };
}

/** Encodes 16-bit linear samples to A-law codes into `dst` (allocated when omitted); returns it. */
export const alawEncode = encoder('alawEncode', g711Js.alawEncode, g711Native.alawEncode);
/** Encodes 16-bit linear samples to µ-law codes. */
export const ulawEncode = encoder('ulawEncode', g711Js.ulawEncode, g711Native.ulawEncode);
/** Decodes A-law codes to 16-bit linear samples. */
export const alawDecode = decoder('alawDecode', g711Js.alawDecode, g711Native.alawDecode);
/** Decodes µ-law codes to 16-bit linear samples. */
export const ulawDecode = decoder('ulawDecode', g711Js.ulawDecode, g711Native.ulawDecode);
/** A-law to µ-law, code by code (decode then encode, as one table); `dst` may be `src`. */
export const alawToUlaw = transcoder('alawToUlaw', g711Js.alawToUlaw, g711Native.alawToUlaw);
/** µ-law to A-law, code by code; `dst` may be `src`. */
export const ulawToAlaw = transcoder('ulawToAlaw', g711Js.ulawToAlaw, g711Native.ulawToAlaw);
