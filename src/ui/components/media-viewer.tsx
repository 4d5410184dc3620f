'use client';
// A photo opened larger, in a modal dialog: the browser's <dialog> keeps focus inside, closes on
// Escape, and gives focus back to the thumbnail that opened it.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

export interface MediaViewerProps {
  readonly url: string;
  readonly fileName: string;
  readonly onClose: () => void;
}

export function MediaViewer({ url, fileName, onClose }: MediaViewerProps) {
  const { t } = useTranslation('common');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} className="media-viewer" data-testid="media-viewer" aria-label={fileName} onClose={onClose}>
      <div className="row between">
        <strong className="media-name" dir="auto">
          {fileName}
        </strong>
        <button type="button" className="secondary" onClick={() => ref.current?.close()} autoFocus>
          {t('close')}
        </button>
      </div>
      <img src={url} alt={fileName} />
    </dialog>
  );
}
