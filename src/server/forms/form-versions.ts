// The form versions a push needs to check its assessments (core/form-answers.ts), in one query,
// and only when some assessment of the batch names a form: a batch without any costs nothing.
// Published versions never change, so this read, made once before the batch's own statements
// and its retries, stays right for the whole push.
import { sql } from 'drizzle-orm';
import { type FormLookup, type FormVersion, formRefOf } from '@/core/form-answers';
import type { FormDefinition } from '@/protocol/forms';
import { type Executor, rows } from '../db/database';
import type { BatchItem } from '../sync/push/parse-batch';

const key = (formId: string, version: number) => `${formId}:${version}`;

export async function loadFormVersions(db: Executor, items: readonly BatchItem[]): Promise<FormLookup | undefined> {
  const wanted = new Map<string, { formId: string; formVersion: number }>();
  for (const item of items) {
    if (item.kind !== 'valid' || item.change.type !== 'assessment' || item.change.action === 'delete') continue;
    const ref = formRefOf(item.change.data);
    if (ref && ref.formVersion <= 2_147_483_647) wanted.set(key(ref.formId, ref.formVersion), ref);
  }
  if (wanted.size === 0) return undefined;
  const refs = [...wanted.values()];
  const found = await rows<{ id: string; version: number; entity_ids: string[] | null; definition: FormDefinition | string }>(
    db,
    sql`select f.id, f.version, f.entity_ids::text[] as entity_ids, f.definition
        from forms f
        join unnest(${`{${refs.map((r) => r.formId).join(',')}}`}::uuid[], ${`{${refs.map((r) => r.formVersion).join(',')}}`}::int[]) as w(id, version)
          on f.id = w.id and f.version = w.version`,
  );
  const versions = new Map<string, FormVersion>();
  for (const f of found)
    versions.set(key(f.id, Number(f.version)), {
      entityIds: f.entity_ids,
      definition: typeof f.definition === 'string' ? (JSON.parse(f.definition) as FormDefinition) : f.definition,
    });
  return (formId, version) => versions.get(key(formId, version));
}
