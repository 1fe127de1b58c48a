// Issue 16: reads PostgreSQL's COPY ... (format binary) stream (the documented "Binary Format" of COPY: a 19-byte
// header and its extension, then each tuple as an int16 field count and, per field, an int32 length (-1: null)
// and its bytes, then an int16 -1). The detail export takes its rows this way: PostgreSQL then writes no text,
// and the text is made on the other core (detail-rows.ts). The one npm package for this format
// (pg-copy-streams-binary 2.2) builds an object for every field; a month's details are tens of millions of
// fields, and the reader here keeps two arrays for the whole stream.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8;

/** A tuple's fields as offsets into the buffer it was read from: `length` -1 is a null. */
export interface BinaryTuple {
  readonly buf: Buffer;
  readonly start: Int32Array;
  readonly length: Int32Array;
}

/**
 * Splits a binary COPY stream, in chunks cut anywhere, into tuples of `fields` fields. `take` gets each tuple;
 * its `start` and `length` are only valid during the call.
 */
export class BinaryCopyReader {
  private carry: Buffer = Buffer.alloc(0);
  private header = false;
  private trailer = false;
  private readonly tuple: { buf: Buffer; start: Int32Array; length: Int32Array };

  constructor(private readonly fields: number) {
    this.tuple = { buf: this.carry, start: new Int32Array(fields), length: new Int32Array(fields) };
  }

  push(chunk: Buffer, take: (tuple: BinaryTuple) => void): void {
    const buf = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    let pos = 0;
    if (!this.header) {
      if (buf.length < HEADER_BYTES) {
        this.carry = buf;
        return;
      }
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE))
        throw new Error('binary COPY: the stream does not start with the PGCOPY signature');
      const extension = buf.readInt32BE(SIGNATURE.length + 4);
      if (buf.length < HEADER_BYTES + extension) {
        this.carry = buf;
        return;
      }
      pos = HEADER_BYTES + extension;
      this.header = true;
    }
    const { start, length } = this.tuple;
    this.tuple.buf = buf;
    while (!this.trailer && pos + 2 <= buf.length) {
      const count = buf.readInt16BE(pos);
      if (count === -1) {
        this.trailer = true;
        pos += 2;
        break;
      }
      if (count !== this.fields)
        throw new Error(`binary COPY: a tuple of ${count} fields where ${this.fields} were expected`);
      let p = pos + 2;
      let whole = true;
      for (let f = 0; f < count; f++) {
        if (p + 4 > buf.length) {
          whole = false;
          break;
        }
        const n = buf.readInt32BE(p);
        p += 4;
        start[f] = p;
        length[f] = n;
        if (n > 0) p += n;
        if (p > buf.length) {
          whole = false;
          break;
        }
      }
      if (!whole) break;
      take(this.tuple);
      pos = p;
    }
    this.carry = buf.subarray(pos);
  }

  /** Whether the stream ended with its trailer and nothing after it: false for a COPY cut short. */
  get complete(): boolean {
    return this.trailer && this.carry.length === 0;
  }
}

const TWO_32 = 4294967296;

/** A signed int64 field as a number, exactly: the callers' values (ids, microseconds, rupiah) are below 2^53. */
export function int64At(buf: Buffer, at: number): number {
  const hi = buf.readInt32BE(at);
  if (hi >= -0x200000 && hi < 0x200000) return hi * TWO_32 + buf.readUInt32BE(at + 4);
  throw new Error(`binary COPY: the integer ${buf.readBigInt64BE(at)} is beyond 2^53`);
}

/** A signed int64 field as its decimal text, any value (a sendingid may be beyond 2^53). */
export function int64Text(buf: Buffer, at: number): string {
  const hi = buf.readInt32BE(at);
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * TWO_32 + buf.readUInt32BE(at + 4));
  return buf.readBigInt64BE(at).toString();
}
