'use client';
// A photo answer: photos taken or picked wait in the form (and its draft) until the assessment
// is saved; then they go through the media path (engine.attachFile: saved on the device, uploaded
// after their record syncs) as media records under the assessment, whose create must reach the
// server first. The answer is the list of their ids. Removing a saved photo deletes its record.
import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { v7 as uuidv7 } from 'uuid';
import { useEngine } from '../engine-context';
import { useLiveQuery } from '../hooks/use-live-query';
import { PHOTO_ACCEPT } from '../media-format';
import type { PhotoItem } from './fill-values';

export interface PhotoFieldProps {
  readonly id: string;
  readonly label: string;
  readonly value: readonly PhotoItem[];
  readonly onChange: (items: readonly PhotoItem[]) => void;
  readonly describedBy: string | undefined;
}

export function PhotoField({ id, label, value, onChange, describedBy }: PhotoFieldProps) {
  const { t } = useTranslation('forms');
  const engine = useEngine();
  const saved = value.filter((p): p is string => typeof p === 'string');
  const names = useLiveQuery(async () => {
    const rows = await engine.db.records.bulkGet(saved);
    return new Map(rows.map((r, i) => [saved[i]!, typeof r?.data.fileName === 'string' ? r.data.fileName : saved[i]!]));
  }, [engine, saved.join()]);

  function picked(e: ChangeEvent<HTMLInputElement>) {
    const input = e.currentTarget;
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (files.length) onChange([...value, ...files.map((file) => ({ pendingId: uuidv7(), file, name: file.name }))]);
  }

  return (
    <div className="photo-field">
      <label className="button secondary file-button">
        <input
          id={id}
          type="file"
          accept={PHOTO_ACCEPT}
          capture="environment"
          multiple
          data-testid="question-photo-input"
          className="visually-hidden"
          onChange={picked}
          aria-label={t('photo.add', { question: label })}
          aria-describedby={describedBy}
        />
        {t('photo.take')}
      </label>
      {value.length > 0 && (
        <ul className="photo-list">
          {value.map((p) => {
            const key = typeof p === 'string' ? p : p.pendingId;
            const name = typeof p === 'string' ? (names?.get(p) ?? '…') : p.name;
            return (
              <li key={key} className="row between" data-testid="question-photo">
                <span dir="auto">{name}</span>
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => {
                    onChange(value.filter((x) => x !== p));
                    if (typeof p === 'string') void engine.remove(p).catch(() => undefined);
                  }}
                >
                  {t('photo.remove', { name })}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
