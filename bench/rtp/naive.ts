/**
 * Baselines measured in the same run: the straightforward Buffer code one writes first (slice and
 * copy per packet, a fresh object per packet, a sorted array as jitter buffer).
 */

export interface NaiveRtp {
  version: number;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc: number[];
  payload: Buffer;
}

/** Parse with Buffer reads and a copied payload. */
export function naiveParse(buf: Buffer): NaiveRtp | undefined {
  if (buf.length < 12) return undefined;
  const b0 = buf.readUInt8(0);
  const cc = b0 & 0x0f;
  const csrc: number[] = [];
  for (let i = 0; i < cc; i++) csrc.push(buf.readUInt32BE(12 + 4 * i));
  return {
    version: b0 >> 6,
    marker: (buf.readUInt8(1) & 0x80) !== 0,
    payloadType: buf.readUInt8(1) & 0x7f,
    sequenceNumber: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrc,
    payload: Buffer.from(buf.subarray(12 + 4 * cc)),
  };
}

/** Marshal into a new header Buffer concatenated with the payload. */
export function naiveMarshal(p: NaiveRtp): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt8(0x80, 0);
  h.writeUInt8((p.marker ? 0x80 : 0) | p.payloadType, 1);
  h.writeUInt16BE(p.sequenceNumber, 2);
  h.writeUInt32BE(p.timestamp, 4);
  h.writeUInt32BE(p.ssrc, 8);
  return Buffer.concat([h, p.payload]);
}

/** A jitter buffer as a sorted array of packet objects. */
export class NaiveJitterBuffer {
  private items: { seq: number; payload: Buffer }[] = [];
  private next = -1;

  push(seq: number, payload: Buffer): void {
    if (this.next < 0) this.next = seq;
    const item = { seq, payload: Buffer.from(payload) };
    const i = this.items.findIndex((x) => x.seq > seq);
    if (i < 0) this.items.push(item);
    else this.items.splice(i, 0, item);
    if (this.items.length > 64) this.items.shift();
  }

  pop(): Buffer | undefined {
    const head = this.items[0];
    if (head && head.seq === this.next) {
      this.items.shift();
      this.next++;
      return head.payload;
    }
    this.next++;
    return undefined;
  }
}
