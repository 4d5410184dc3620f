'use client';
// The sync queue's part for photos and files: their bytes travel apart from the records, so they
// are listed apart, each with its byte progress, its error and Retry, and a total line.
import { useTranslation } from 'react-i18next';
import { useRetryUpload, useUploadItems } from '../hooks/use-media';
import { MediaItem } from './media-item';
import { MediaSummary } from './media-summary';
import { useToast } from './toast';

export function MediaUploads() {
  const { t } = useTranslation('media');
  const items = useUploadItems();
  const retry = useRetryUpload();
  const toast = useToast();
  if (!items?.length) return null;
  return (
    <div className="media-uploads" data-testid="media-uploads">
      <h2 id="media-uploads-heading">{t('uploadsHeading')}</h2>
      <MediaSummary />
      <ul className="media-list" aria-labelledby="media-uploads-heading">
        {items.map((item) => (
          <MediaItem key={item.id} item={item} onRetry={(id) => void retry(id).catch((e: unknown) => toast(e instanceof Error ? e.message : String(e)))} />
        ))}
      </ul>
    </div>
  );
}
