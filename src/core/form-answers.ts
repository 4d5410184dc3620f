// The rule an assessment's data meets when it names a form (docs/protocol.md "Forms"): formId
// and formVersion name a published version usable in the record's entity, and `answers` pass
// that version's definition (form-validate.ts). Data naming no form is free-form. Pure: the
// versions come in through `lookup`, read by the caller for the batch.
import { type FormDefinition, FormAnswersDataSchema, type FormProblem, namesForm } from '@/protocol/forms';
import type { RecordData } from '@/protocol/records';
import { validateAnswers } from './form-validate';

export interface FormVersion {
  /** Null: usable in every entity. */
  readonly entityIds: readonly string[] | null;
  readonly definition: FormDefinition;
}

/** A form version by id (lowercase) and version number. */
export type FormLookup = (formId: string, version: number) => FormVersion | undefined;

export interface FormRef {
  readonly formId: string;
  readonly formVersion: number;
}

export interface FormRejection {
  readonly message: string;
  readonly details: { readonly formId?: string; readonly formVersion?: number; readonly problems?: readonly FormProblem[]; readonly path?: string };
}

/** At most this many problems travel back in a result's details. */
export const MAX_REPORTED_PROBLEMS = 20;

/** The form an assessment's data names, when well-formed; undefined when it names none or names one badly. */
export function formRefOf(data: RecordData | undefined): FormRef | undefined {
  if (!namesForm(data)) return undefined;
  const r = FormAnswersDataSchema.safeParse(data);
  return r.success ? { formId: r.data.formId.toLowerCase(), formVersion: r.data.formVersion } : undefined;
}

/** Null when the data names no form or meets it; otherwise why the change fails (VALIDATION). */
export function checkFormAnswers(data: RecordData | undefined, entityId: string, lookup: FormLookup): FormRejection | null {
  if (!namesForm(data)) return null;
  const r = FormAnswersDataSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { message: `data names a form but ${issue.message}`, details: { path: issue.path.join('.') } };
  }
  const ref = { formId: r.data.formId.toLowerCase(), formVersion: r.data.formVersion };
  const form = lookup(ref.formId, ref.formVersion);
  if (!form) return { message: 'no such form version', details: ref };
  if (form.entityIds !== null && !form.entityIds.includes(entityId)) return { message: 'this form is not used in this entity', details: ref };
  const check = validateAnswers(form.definition, r.data.answers ?? {});
  if (check.ok) return null;
  const [first] = check.problems;
  return {
    message: `the answers do not fit the form: ${first!.questionId}: ${first!.message}`,
    details: { ...ref, problems: check.problems.slice(0, MAX_REPORTED_PROBLEMS) },
  };
}
