'use client';
// "Import unsynced work": reads a file the sync queue exported (here or on another device of
// the same user), checks it, and puts its changes into the outbox under their original change
// ids; the engine then syncs. Says how many were imported and how many were already here, or
// why the file was refused (nothing is imported then).
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StorageQuotaError } from '@/client/errors';
import { currentUserId } from '@/client/token-user';
import { type UnsyncedFileProblem, UnsyncedFileError, parseUnsyncedFile } from '@/client/unsynced-file';
import { useEngine } from '../engine-context';

type ImportState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'importing' }
  | { readonly kind: 'done'; readonly imported: number; readonly already: number }
  | { readonly kind: 'refused'; readonly problem: UnsyncedFileProblem | 'storage' }
  | { readonly kind: 'failed'; readonly message: string };

export function ImportUnsynced() {
  const engine = useEngine();
  const { t } = useTranslation('lists');
  const id = useId();
  const [state, setState] = useState<ImportState>({ kind: 'idle' });

  async function run(file: File): Promise<void> {
    setState({ kind: 'importing' });
    try {
      const parsed = await parseUnsyncedFile(await file.text(), await currentUserId(engine.db));
      setState({ kind: 'done', ...(await engine.importUnsynced(parsed)) });
    } catch (e) {
      if (e instanceof UnsyncedFileError) setState({ kind: 'refused', problem: e.problem });
      else if (e instanceof StorageQuotaError) setState({ kind: 'refused', problem: 'storage' });
      else setState({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }

  return (
    <div className="import-unsynced">
      <label htmlFor={`${id}-file`}>{t('import.label')}</label>
      <input
        id={`${id}-file`}
        type="file"
        accept="application/json,.json"
        aria-describedby={`${id}-hint`}
        disabled={state.kind === 'importing'}
        data-testid="import-unsynced"
        onChange={(e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          if (!file) return;
          void run(file).finally(() => {
            input.value = '';
          });
        }}
      />
      <p id={`${id}-hint`} className="hint">
        {t('import.hint')}
      </p>
      <p className={`import-result${state.kind === 'refused' || state.kind === 'failed' ? ' field-error' : ''}`} role="status" data-testid="import-result" data-state={state.kind}>
        {state.kind === 'importing'
          ? t('import.importing')
          : state.kind === 'done'
            ? t('import.result', { imported: t('import.imported', { count: state.imported }), already: t('import.already', { count: state.already }) })
            : state.kind === 'refused'
              ? t(`import.error.${state.problem}`)
              : state.kind === 'failed'
                ? t('import.error.failed', { message: state.message })
                : null}
      </p>
    </div>
  );
}
