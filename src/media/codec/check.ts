/**
 * Argument checks run before any call crosses into C++: wrong types give a TypeError, wrong
 * lengths or values a RangeError, each naming the function and the argument
 * (`G722Encoder.encode: pcm must be an Int16Array (got string)`).
 */

/** Largest array one call accepts: 2^22 elements, about 87 s of 48 kHz audio. */
export const MAX_ELEMENTS = 1 << 22;

/** Raised by any method of a codec object after its close(). */
export class CodecClosedError extends Error {
  readonly code = 'codec_closed';
  constructor(what: string) {
    super(`${what}: used after close()`);
    this.name = 'CodecClosedError';
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

function checkLength(
  fn: string,
  arg: string,
  v: ArrayBufferView & { length: number },
  allowEmpty: boolean,
): void {
  if (v.length === 0) {
    if (allowEmpty) return;
    const detached = v.buffer.byteLength === 0 && v.byteOffset === 0;
    throw new RangeError(
      `${fn}: ${arg} ${detached ? 'is empty or its buffer was detached' : 'must not be empty'}`,
    );
  }
  if (v.length > MAX_ELEMENTS) {
    throw new RangeError(`${fn}: ${arg} is too long (${v.length} > ${MAX_ELEMENTS} elements)`);
  }
}

export function checkInt16(fn: string, arg: string, v: unknown, allowEmpty = false): asserts v is Int16Array {
  if (!(v instanceof Int16Array))
    throw new TypeError(`${fn}: ${arg} must be an Int16Array (got ${describe(v)})`);
  checkLength(fn, arg, v, allowEmpty);
}

export function checkBytes(fn: string, arg: string, v: unknown, allowEmpty = false): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) {
    throw new TypeError(`${fn}: ${arg} must be a Uint8Array or Buffer (got ${describe(v)})`);
  }
  checkLength(fn, arg, v, allowEmpty);
}

export function checkFloat64(fn: string, arg: string, v: unknown): asserts v is Float64Array {
  if (!(v instanceof Float64Array))
    throw new TypeError(`${fn}: ${arg} must be a Float64Array (got ${describe(v)})`);
  checkLength(fn, arg, v, false);
}

export function checkCapacity(fn: string, arg: string, have: number, need: number): void {
  if (have < need) throw new RangeError(`${fn}: ${arg} must hold at least ${need} elements (has ${have})`);
}

export function checkNumber(
  fn: string,
  arg: string,
  v: unknown,
  lo: number,
  hi: number,
): asserts v is number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${arg} must be a number (got ${describe(v)})`);
  if (!Number.isFinite(v) || v < lo || v > hi) {
    throw new RangeError(`${fn}: ${arg} must be between ${lo} and ${hi} (got ${v})`);
  }
}

export function checkInteger(
  fn: string,
  arg: string,
  v: unknown,
  lo: number,
  hi: number,
): asserts v is number {
  checkNumber(fn, arg, v, lo, hi);
  if (!Number.isInteger(v)) throw new RangeError(`${fn}: ${arg} must be an integer (got ${v})`);
}

export function checkOneOf<T extends number>(
  fn: string,
  arg: string,
  v: unknown,
  allowed: readonly T[],
): asserts v is T {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${arg} must be a number (got ${describe(v)})`);
  if (!(allowed as readonly number[]).includes(v)) {
    throw new RangeError(`${fn}: ${arg} must be one of ${allowed.join(', ')} (got ${v})`);
  }
}

export function checkOptions(fn: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'object' || v === null)) {
    throw new TypeError(`${fn}: options must be an object (got ${describe(v)})`);
  }
}
