'use client';
// Tells the user when the browser deleted this device's database by itself (storage-reset.ts):
// what the safety copy gave back, or else that whatever was not yet synced before then is gone
// from this device and an exported file of unsynced work can bring it back. Shown on every
// screen until dismissed.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEngine } from '../engine-context';
import { type StorageReset, dismissStorageReset, noteDeviceId } from '../storage-reset';

export function StorageResetBanner({ userId }: { readonly userId: string }) {
  const engine = useEngine();
  const { t, i18n } = useTranslation('states');
  const [reset, setReset] = useState<StorageReset | null>(null);
  useEffect(() => setReset(noteDeviceId(userId, engine.deviceId, Date.now(), engine.restored)), [userId, engine]);
  if (!reset) return null;
  const when = new Date(reset.at).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <div className="banner warn row between" role="alert" data-testid="storage-reset">
      <span>{reset.restored ? t('banner.storageRestored', { when, changes: String(reset.restored.changes), photos: String(reset.restored.photos) }) : t('banner.storageReset', { when })}</span>
      <button
        type="button"
        onClick={() => {
          dismissStorageReset(userId);
          setReset(null);
        }}
      >
        {t('banner.dismiss')}
      </button>
    </div>
  );
}
