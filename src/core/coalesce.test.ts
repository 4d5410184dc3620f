import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Edit, type EditAction, coalesce } from './coalesce';

type Data = { v: number };
interface Entry { action: EditAction; data?: Data; sent: boolean }
type ServerRow = { data: Data; deleted: boolean } | undefined;

/** The server's rules for one record (docs/protocol.md): create makes it, update needs it, delete tombstones it. */
function apply(row: ServerRow, e: { action: EditAction; data?: Data }): ServerRow {
  switch (e.action) {
    case 'create':
      return row ?? { data: e.data!, deleted: false };
    case 'update':
      return row ? { data: e.data!, deleted: false } : row;
    case 'delete':
      return row ? { ...row, deleted: true } : row;
  }
}
const visible = (row: ServerRow) => (row && !row.deleted ? row.data : null);

/** The outbox of one record, coalescing as the client does; `flush` sends what is unsent. */
function simulate(steps: Array<{ edit: 'update' | 'delete'; v: number } | 'flush'>) {
  const outbox: Entry[] = [];
  let direct: ServerRow = undefined;
  let viaOutbox: ServerRow = undefined;
  let exists = true; // locally
  const write = (edit: Edit<Data>) => {
    direct = apply(direct, edit);
    const last = outbox.at(-1);
    const open = last && !last.sent ? last : null;
    const d = coalesce<Data>(open, edit);
    if (d.kind === 'append') outbox.push({ action: d.action, ...(d.data ? { data: d.data } : {}), sent: false });
    else if (d.kind === 'replace') outbox[outbox.length - 1] = { action: d.action, ...(d.data ? { data: d.data } : {}), sent: false };
    else {
      outbox.pop();
      exists = false;
    }
  };
  const flush = () => {
    for (const e of outbox) if (!e.sent) { viaOutbox = apply(viaOutbox, e); e.sent = true; }
  };
  write({ action: 'create', data: { v: -1 } });
  for (const s of steps) {
    if (!exists) break; // the record is gone from the device: no more edits possible
    if (s === 'flush') flush();
    else write(s.edit === 'delete' ? { action: 'delete' } : { action: 'update', data: { v: s.v } });
  }
  const unsent = outbox.filter((e) => !e.sent);
  flush();
  return { direct, viaOutbox, outbox, unsent };
}

const step = fc.oneof(
  fc.constant('flush' as const),
  fc.record({ edit: fc.constantFrom('update' as const, 'delete' as const), v: fc.integer() }),
);

describe('coalescing of offline edits', () => {
  it('applying the coalesced outbox gives the server the same final state as applying every edit', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const { direct, viaOutbox } = simulate(steps);
        expect(visible(viaOutbox)).toEqual(visible(direct));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps at most one unsent entry per record, carrying the latest data', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const last = [...steps].reverse().find((s) => s !== 'flush');
        const { unsent } = simulate(steps);
        expect(unsent.length).toBeLessThanOrEqual(1);
        if (last && typeof last !== 'string' && last.edit === 'update' && unsent[0]) expect(unsent[0].data).toEqual({ v: last.v });
      }),
      { numRuns: 500 },
    );
  });

  it('turns create + updates into one create with the newest data', () => {
    expect(coalesce({ action: 'create', data: { v: 1 } }, { action: 'update', data: { v: 2 } })).toEqual({ kind: 'replace', action: 'create', data: { v: 2 } });
  });

  it('drops a create that is deleted before it was ever sent', () => {
    expect(coalesce({ action: 'create', data: { v: 1 } }, { action: 'delete' })).toEqual({ kind: 'drop' });
  });

  it('appends when there is no open entry (the last one was sent)', () => {
    expect(coalesce(null, { action: 'delete' })).toEqual({ kind: 'append', action: 'delete' });
    expect(coalesce(null, { action: 'update', data: { v: 3 } })).toEqual({ kind: 'append', action: 'update', data: { v: 3 } });
  });

  it('refuses nonsense: create over an open entry, update without data', () => {
    expect(() => coalesce({ action: 'update', data: { v: 1 } }, { action: 'create', data: { v: 2 } })).toThrow('create');
    expect(() => coalesce(null, { action: 'update' })).toThrow('needs data');
  });
});
