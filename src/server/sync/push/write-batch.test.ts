import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordData } from '@/protocol/records';
import type { RecordWrite } from './plan-batch';
import { recordsJson } from './write-batch';

const writeArb: fc.Arbitrary<RecordWrite> = fc.record({
  id: fc.uuid(),
  previousVersion: fc.option(fc.nat(), { nil: null }),
  record: fc.record({
    type: fc.constantFrom('assessment' as const, 'response' as const, 'media' as const),
    entityId: fc.uuid(),
    version: fc.nat(),
    data: fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('data', '"data":null')), fc.jsonValue()) as fc.Arbitrary<RecordData>,
    deleted: fc.boolean(),
    hlc: fc.oneof(fc.string({ unit: 'binary' }), fc.constant('"data":null')),
    updatedBy: fc.uuid(),
    deviceId: fc.string(),
  }),
});

/** The records as JSON.stringify writes them, for comparison. */
const plain = (writes: readonly RecordWrite[]) =>
  JSON.stringify(
    writes.map(({ id, record: r, previousVersion }) => ({
      id,
      type: r.type,
      entity_id: r.entityId,
      version: r.version,
      data: r.data,
      deleted: r.deleted,
      hlc: r.hlc,
      updated_by: r.updatedBy,
      device_id: r.deviceId,
      previous_version: previousVersion,
    })),
  );

describe('the records JSON of a write', () => {
  it('reads back as what JSON.stringify writes, with or without the data texts kept from the check', () => {
    fc.assert(
      fc.property(fc.array(writeArb, { maxLength: 5 }), (writes) => {
        const expected: unknown = JSON.parse(plain(writes));
        expect(JSON.parse(recordsJson(writes))).toEqual(expected);
        const texts = new Map(writes.map((w) => [w.record.data, JSON.stringify(w.record.data)]));
        expect(JSON.parse(recordsJson(writes, texts))).toEqual(expected);
      }),
    );
  });

  it('stores the kept text of a data object rather than serializing it again', () => {
    const data = { a: 1 };
    const write: RecordWrite = {
      id: '01a2f3c4-0000-7000-8000-000000000001',
      previousVersion: null,
      record: { type: 'assessment', entityId: '01a2f3c4-0000-7000-8000-000000000002', version: 1, data, deleted: false, hlc: 'h', updatedBy: 'u', deviceId: 'd' },
    };
    expect(JSON.parse(recordsJson([write], new Map([[data, '{"kept":true}']])))[0].data).toEqual({ kept: true });
  });
});
