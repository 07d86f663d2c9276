import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  readFloat,
  readInt64s,
  readString,
  signed,
  WireError,
  WireReader,
  WireType,
  WireWriter,
  type Field,
} from '../../../../../src/lib/runtime/model/lens/protobuf-wire';

function allFields(bytes: Uint8Array): Field[] {
  const reader = new WireReader(bytes);
  const out: Field[] = [];
  for (let f = reader.next(); f !== null; f = reader.next()) out.push(f);
  return out;
}

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

describe('protobuf wire format', () => {
  it('reads back every int64 it writes, negatives as ten-byte two\'s complement', () => {
    fc.assert(
      fc.property(int64, fc.integer({ min: 1, max: 2 ** 29 - 1 }), (value, number) => {
        const bytes = new WireWriter().varint(number, value).finish();
        const [field] = allFields(bytes);
        expect(field.number).toBe(number);
        expect(field.wireType).toBe(WireType.Varint);
        expect(signed(field)).toBe(value);
        const keyLength = new WireWriter().varint(number, 0).finish().length - 1;
        if (value < 0n) expect(bytes.length).toBe(keyLength + 10);
      }),
    );
  });

  it('matches the encoding protobuf documents: field 1 = 150 is 08 96 01', () => {
    expect([...new WireWriter().varint(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
    expect([...new WireWriter().string(2, 'testing').finish()]).toEqual([0x12, 0x07, ...new TextEncoder().encode('testing')]);
  });

  it('gives a length-delimited field as a range of the original bytes, without copying', () => {
    const payload = new Uint8Array(1000).fill(7);
    const bytes = new WireWriter().bytes(9, payload).varint(2, 1).finish();
    const [data, after] = allFields(bytes);
    expect(data.end - data.start).toBe(1000);
    expect(bytes.subarray(data.start, data.end).buffer).toBe(bytes.buffer);
    expect(after.number).toBe(2);
  });

  it('reads repeated int64s both unpacked (proto2) and packed', () => {
    const unpacked = new WireWriter().varint(8, 1).varint(8, -1).finish();
    expect(allFields(unpacked).flatMap((f) => readInt64s(unpacked, f))).toEqual([1n, -1n]);
    const run = new WireWriter().varint(1, 3).varint(1, -2).finish(); // keys 0x08 then values
    const values = run.filter((_, k) => k !== 0 && k !== 2); // drop the two keys: a packed run of 3, -2
    const packed = new WireWriter().bytes(8, values).finish();
    expect(allFields(packed).flatMap((f) => readInt64s(packed, f))).toEqual([3n, -2n]);
  });

  it('reads floats and strings', () => {
    const bytes = new WireWriter().float(2, 0.5).string(1, 'añb').finish();
    const [f, s] = allFields(bytes);
    expect(readFloat(bytes, f)).toBe(0.5);
    expect(readString(bytes, s)).toBe('añb');
  });

  it('rejects truncated and malformed input with a WireError', () => {
    const whole = new WireWriter().string(1, 'hello').finish();
    expect(() => allFields(whole.subarray(0, 4))).toThrow(WireError);
    expect(() => allFields(Uint8Array.of(0x08, 0x80))).toThrow(/runs past the end/);
    expect(() => allFields(Uint8Array.of(0x0b))).toThrow(/wire type 3/);
    expect(() => allFields(Uint8Array.of(0x00, 0x00))).toThrow(/field number 0/);
    expect(() => allFields(Uint8Array.of(0x08, ...new Array(11).fill(0xff)))).toThrow(/longer than ten bytes/);
  });
});
