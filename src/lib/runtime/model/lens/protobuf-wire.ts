/**
 * The protobuf wire format, as much of it as reading and appending to an ONNX model needs.
 *
 * Reading never copies: a length-delimited field comes back as its [start, end) range in the
 * original bytes, so a caller that skips a field (an initializer's raw_data, hundreds of MB in a
 * real model) costs one varint read, whatever its size.
 *
 * 64-bit integers are bigints: ONNX writes -1 (an axis, an index) as a ten-byte varint, and a
 * Number would lose it.
 */

export const WireType = { Varint: 0, I64: 1, Len: 2, I32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export interface Field {
  number: number;
  wireType: WireType;
  /** Varint fields: the value as an unsigned 64-bit integer. */
  varint: bigint;
  /** Len, I32 and I64 fields: where the payload lies in the bytes being read. */
  start: number;
  end: number;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });
const textEncoder = new TextEncoder();

export class WireError extends Error {
  constructor(message: string) {
    super(`not a valid protobuf message: ${message}`);
    this.name = 'WireError';
  }
}

/** Walks the fields of one message held in bytes[start, end). */
export class WireReader {
  private pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  /** The next field, or null at the end of the message. */
  next(): Field | null {
    if (this.pos >= this.end) return null;
    const key = this.smallVarint();
    const number = Math.floor(key / 8);
    const wireType = key % 8;
    if (number === 0) throw new WireError(`field number 0 at byte ${this.pos}`);
    const field: Field = { number, wireType: wireType as WireType, varint: 0n, start: this.pos, end: this.pos };
    switch (wireType) {
      case WireType.Varint:
        field.varint = this.varint();
        break;
      case WireType.I64:
        this.skipTo(this.pos + 8, field);
        break;
      case WireType.I32:
        this.skipTo(this.pos + 4, field);
        break;
      case WireType.Len: {
        const length = this.smallVarint();
        if (length > this.end - this.pos) {
          throw new WireError(`field ${number} claims ${length} bytes but only ${this.end - this.pos} remain`);
        }
        field.start = this.pos;
        this.skipTo(this.pos + length, field);
        break;
      }
      default:
        // Groups (3, 4) are long deprecated and ONNX never writes them.
        throw new WireError(`unsupported wire type ${wireType} for field ${number}`);
    }
    return field;
  }

  private skipTo(end: number, field: Field): void {
    if (end > this.end) throw new WireError(`field ${field.number} runs past the end of its message`);
    field.end = end;
    this.pos = end;
  }

  private varint(): bigint {
    const { value, next } = decodeVarint(this.bytes, this.pos, this.end);
    this.pos = next;
    return value;
  }

  /**
   * A key or a length, as a number: one of each is read for every field of the model, and they
   * need no bigint (a length beyond 2^53 bytes cannot occur in a JavaScript buffer).
   */
  private smallVarint(): number {
    let result = 0;
    let scale = 1;
    for (let k = 0; k < 8; k++) {
      if (this.pos >= this.end) throw new WireError(`a varint at byte ${this.pos} runs past the end of its message`);
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    // Eight 7-bit groups are 56 bits: beyond any key or length a JavaScript buffer can hold.
    throw new WireError(`a key or length at byte ${this.pos} is too large`);
  }
}

/** The unsigned varint that starts at bytes[pos], and where the next thing starts. */
function decodeVarint(bytes: Uint8Array, pos: number, end: number): { value: bigint; next: number } {
  let result = 0n;
  let at = pos;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (at >= end) throw new WireError(`a varint at byte ${pos} runs past the end of its message`);
    const byte = bytes[at++];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: BigInt.asUintN(64, result), next: at };
  }
  throw new WireError(`the varint at byte ${pos} is longer than ten bytes`);
}

/** A reader over the payload of a length-delimited field (an embedded message). */
export function messageReader(bytes: Uint8Array, field: Field): WireReader {
  return new WireReader(bytes, field.start, field.end);
}

export function readString(bytes: Uint8Array, field: Field): string {
  return textDecoder.decode(bytes.subarray(field.start, field.end));
}

/** A signed int64 (ONNX's int64 fields, e.g. an attribute's `i` or a tensor's dims). */
export function signed(field: Field): bigint {
  return BigInt.asIntN(64, field.varint);
}

/**
 * The values of a repeated int64 field, one occurrence at a time: proto2 writes each value as
 * its own field, a packed encoding writes them all in one length-delimited field, and a parser
 * must accept both.
 */
export function readInt64s(bytes: Uint8Array, field: Field): bigint[] {
  if (field.wireType === WireType.Varint) return [signed(field)];
  if (field.wireType !== WireType.Len) throw new WireError(`field ${field.number} is not an int64 list`);
  const values: bigint[] = [];
  for (let pos = field.start; pos < field.end; ) {
    const { value, next } = decodeVarint(bytes, pos, field.end);
    values.push(BigInt.asIntN(64, value));
    pos = next;
  }
  return values;
}

/** A float (wire type I32, little-endian IEEE 754 single). */
export function readFloat(bytes: Uint8Array, field: Field): number {
  return new DataView(bytes.buffer, bytes.byteOffset + field.start, 4).getFloat32(0, true);
}

/**
 * Builds one message. Nested messages are built by their own writer and added whole, since a
 * message's length prefix must be known before its bytes; the fragments this module writes are
 * a few kilobytes, so the copies cost nothing that matters.
 */
export class WireWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  varint(number: number, value: bigint | number): this {
    this.key(number, WireType.Varint);
    this.rawVarint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  bytes(number: number, value: Uint8Array): this {
    this.key(number, WireType.Len);
    this.rawVarint(BigInt(value.length));
    this.append(value);
    return this;
  }

  string(number: number, value: string): this {
    return this.bytes(number, textEncoder.encode(value));
  }

  message(number: number, inner: WireWriter): this {
    return this.bytes(number, inner.finish());
  }

  float(number: number, value: number): this {
    this.key(number, WireType.I32);
    const four = new Uint8Array(4);
    new DataView(four.buffer).setFloat32(0, value, true);
    this.append(four);
    return this;
  }

  /** Bytes that are already a complete encoded field (or several), appended unchanged. */
  raw(encoded: Uint8Array): this {
    this.append(encoded);
    return this;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private key(number: number, wireType: WireType): void {
    this.rawVarint((BigInt(number) << 3n) | BigInt(wireType));
  }

  private rawVarint(value: bigint): void {
    let v = value;
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.append(Uint8Array.of(byte));
    } while (v !== 0n);
  }

  private append(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + chunk.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }
}
