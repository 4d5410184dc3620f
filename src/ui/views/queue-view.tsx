'use client';
// The sync queue screen, connected: the outbox live from IndexedDB (the same in every tab),
// retry, discard, and the export of unsynced work as a downloaded JSON file.
import { useTranslation } from 'react-i18next';
import { useEngine, useSync } from '../engine-context';
import { useToast } from '../components/toast';
import { useOutbox } from '../hooks/use-device-data';
import { useNow } from '../hooks/use-now';
import { QueueScreen } from '../screens/queue-screen';

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function QueueView() {
  const { t } = useTranslation('states');
  const engine = useEngine();
  const toast = useToast();
  const outbox = useOutbox();
  const counts = useSync((s) => s.counts);
  const persisted = useSync((s) => s.persisted);
  const now = useNow(1000);
  const report = (e: unknown) => toast(e instanceof Error ? e.message : String(e));
  return (
    <QueueScreen
      entries={outbox?.entries}
      titles={outbox?.titles ?? new Map()}
      counts={counts}
      now={now}
      persisted={persisted}
      confirm={(q) => window.confirm(q)}
      onRetry={(id) => void engine.retry(id).catch(report)}
      onDiscard={(id) => void engine.discard(id).then(() => toast(t('queue.discarded')), report)}
      onExport={() => {
        void engine.exportUnsyncedBlob().then((blob) => {
          download(blob, `fieldsync-unsynced-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
          toast(t('queue.exported'));
        }, report);
      }}
    />
  );
}
