'use client';
// A form's submit: check the fields (forms.ts); on errors show them and focus the first field
// in error, so keyboard and screen reader users land on it; else save, keeping the form busy,
// and show a save that failed as the form's error.
import { type FormEvent, useRef, useState } from 'react';
import type { FormCheck, FormErrors } from '../forms';

export function useCheckedSubmit<T>(check: () => FormCheck<T>, save: (data: T) => Promise<void>) {
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = check();
    if (!result.ok) {
      setErrors(result.errors);
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await save(result.data);
    } catch (err) {
      setErrors({ form: err instanceof Error ? err.message : String(err) });
      setBusy(false);
    }
  }

  return { errors, busy, formRef, onSubmit: (e: FormEvent) => void submit(e) };
}
