'use client';
// Photos and files of one record (an assessment or a response): "Take photo" (the camera on a
// phone), "Attach file" (images, PDF, audio), and the list with each item's upload state. A file
// is saved on the device at once, online or not; it uploads by itself after its record syncs.
import { type ChangeEvent, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { FILE_ACCEPT, PHOTO_ACCEPT } from '../media-format';
import { useAttach, useMediaList, useRetryUpload } from '../hooks/use-media';
import { CameraIcon, PaperclipIcon } from './media-icons';
import { MediaItem } from './media-item';
import { useToast } from './toast';

export interface MediaPanelProps {
  readonly parentId: string;
  readonly entityId: string;
  /** What the photos belong to, for headings and labels ("this assessment", "the response of Mia"). */
  readonly of: string;
  readonly headingLevel?: 2 | 3;
}

export function MediaPanel({ parentId, entityId, of, headingLevel = 2 }: MediaPanelProps) {
  const { t, i18n } = useTranslation('media');
  const { t: tc } = useTranslation('common');
  const items = useMediaList(parentId);
  const { attach, busy, error } = useAttach(parentId, entityId);
  const retry = useRetryUpload();
  const toast = useToast();
  const id = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  function picked(e: ChangeEvent<HTMLInputElement>) {
    const input = e.currentTarget;
    const files = Array.from(input.files ?? []);
    // Cleared so that picking the same file again is a new pick.
    input.value = '';
    if (files.length === 0) return;
    void attach(files).then((saved) => {
      if (saved > 0) toast(t('saved', { count: saved }));
    });
  }

  return (
    <div className="media-panel" data-testid="media-panel" data-parent-id={parentId} aria-labelledby={`${id}-h`} role="group">
      <Heading id={`${id}-h`} className="media-heading">
        {items?.length ? t('headingCount', { n: new Intl.NumberFormat(i18n.language).format(items.length) }) : t('heading')}
      </Heading>
      <div className="row">
        <label className="button secondary file-button">
          <input type="file" accept={PHOTO_ACCEPT} capture="environment" data-testid="photo-input" className="visually-hidden" onChange={picked} disabled={busy} aria-label={t('takePhotoFor', { of })} />
          <CameraIcon /> {t('takePhoto')}
        </label>
        <label className="button secondary file-button">
          <input type="file" accept={FILE_ACCEPT} multiple data-testid="file-input" className="visually-hidden" onChange={picked} disabled={busy} aria-label={t('attachFileTo', { of })} />
          <PaperclipIcon /> {t('attachFile')}
        </label>
        {busy && (
          <span className="muted" role="status">
            {t('saving')}
          </span>
        )}
      </div>
      {error && (
        <p className="banner error media-attach-error" role="alert" data-testid="media-attach-error">
          {error}
        </p>
      )}
      {items === undefined ? (
        <p className="empty">{tc('loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty">{t('empty')}</p>
      ) : (
        <ul className="media-list" aria-label={t('listOf', { of })}>
          {items.map((item) => (
            <MediaItem key={item.id} item={item} onRetry={(mediaId) => void retry(mediaId).catch((e: unknown) => toast(e instanceof Error ? e.message : String(e)))} />
          ))}
        </ul>
      )}
    </div>
  );
}
