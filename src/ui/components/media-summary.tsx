'use client';
// Uploads of this device in a line, for the status bar and the sync queue: "Photos 1 of 3
// uploaded · 2.1 MB of 6.0 MB" with a byte progress bar, shown while uploads remain.
import { useTranslation } from 'react-i18next';
import { useMediaTotals } from '../hooks/use-media';
import { type MediaTotals, mediaSummary } from '../media-format';

export function MediaLine({ media }: { readonly media: MediaTotals }) {
  const { t, i18n } = useTranslation('media');
  const text = mediaSummary(media, t, i18n.language);
  if (!text) return null;
  return (
    <span className="media-summary" data-testid="media-summary" data-failed={media.failed}>
      <span>{text}</span>
      <progress value={Math.min(media.bytesSent, media.bytesTotal)} max={Math.max(1, media.bytesTotal)} aria-label={text} />
      {media.failed > 0 && <span className="badge failed">{t('willRetry', { n: new Intl.NumberFormat(i18n.language).format(media.failed) })}</span>}
    </span>
  );
}

/** The line from the engine's store. */
export function MediaSummary() {
  return <MediaLine media={useMediaTotals()} />;
}
