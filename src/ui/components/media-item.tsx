'use client';
// One photo or file in a record's media list: its thumbnail (or a link for PDF and audio), name,
// size and upload status, byte progress while it uploads, the error and Retry when it failed, the
// reason when the server refused it. Someone else's media is downloaded when shown, or said to be
// still on its author's device.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { byteProgress, contentReachable, formatBytes, mediaBadge, type MediaView, mediaKind, uploadFailureText, uploadRejectedText } from '../media-format';
import { useMediaContent } from '../hooks/use-media';
import { AudioIcon, DocumentIcon } from './media-icons';
import { MediaViewer } from './media-viewer';

export interface MediaItemProps {
  readonly item: MediaView;
  readonly onRetry: (id: string) => void;
}

export function MediaItem({ item, onRetry }: MediaItemProps) {
  const { t, i18n } = useTranslation('media');
  const { t: tc } = useTranslation('common');
  const lang = i18n.language;
  const reachable = contentReachable(item);
  const content = useMediaContent(item.id, reachable);
  const [open, setOpen] = useState(false);
  const kind = mediaKind(item.contentType);
  const badge = mediaBadge(item, t);
  const sending = item.status === 'pending' || item.status === 'uploading' || item.status === 'failed';

  function preview() {
    if (!reachable)
      return (
        <span className="media-thumb placeholder" data-testid="media-not-available">
          {t('notOnServer')}
        </span>
      );
    if (content.kind === 'missing' || content.kind === 'error')
      return (
        <span className="media-thumb placeholder" data-testid="media-content-error">
          {content.kind === 'missing' ? t('shownWhenOnline') : t('couldNotLoad', { message: content.message })}
        </span>
      );
    if (content.kind !== 'ready')
      return (
        <span className="media-thumb placeholder" aria-busy="true">
          {tc('loading')}
        </span>
      );
    if (kind === 'image')
      return (
        <button type="button" className="media-thumb" onClick={() => setOpen(true)} aria-label={t('openLarger', { name: item.fileName })}>
          <img src={content.url} alt={item.fileName} data-testid="media-thumb" />
        </button>
      );
    if (kind === 'audio')
      return (
        <span className="media-file">
          <AudioIcon />
          <audio controls src={content.url} aria-label={item.fileName} preload="metadata" />
        </span>
      );
    return (
      <a className="button secondary media-file" href={content.url} target="_blank" rel="noopener" download={item.fileName} data-testid="media-link">
        <DocumentIcon /> {kind === 'pdf' ? t('openPdf') : t('openFile')}
      </a>
    );
  }

  return (
    <li className="media-item" data-testid="media-item" data-status={item.status} data-media-id={item.id} data-content-available={item.contentAvailable}>
      {preview()}
      <div className="media-info">
        <span className="media-name" dir="auto">
          {item.fileName}
        </span>
        <span className="row">
          <span className="muted">{formatBytes(item.size, lang)}</span>
          <span className={`badge ${badge.className}`} data-testid="media-status">
            {badge.label}
          </span>
        </span>
        {sending && (
          <span className="media-progress" data-testid="media-progress">
            <progress value={Math.min(item.bytesSent, item.size)} max={Math.max(1, item.size)} aria-label={t('uploadOf', { name: item.fileName })} />
            <span>{byteProgress(item.bytesSent, item.size, t, lang)}</span>
          </span>
        )}
        {item.status === 'failed' && (
          <span className="row">
            <span className="field-error" data-testid="media-error">
              {uploadFailureText(item.error, t)}
            </span>
            <button type="button" data-testid="media-retry" onClick={() => onRetry(item.id)} aria-label={t('retryUploadOf', { name: item.fileName })}>
              {tc('retry')}
            </button>
          </span>
        )}
        {item.status === 'rejected' && (
          <span className="field-error" data-testid="media-error">
            {uploadRejectedText(item.error, t)}
          </span>
        )}
      </div>
      {open && content.kind === 'ready' && <MediaViewer url={content.url} fileName={item.fileName} onClose={() => setOpen(false)} />}
    </li>
  );
}
