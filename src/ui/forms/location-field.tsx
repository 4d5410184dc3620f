'use client';
// A location answer: the device's position (Geolocation API) with its accuracy, or latitude and
// longitude typed by hand when there is no fix, no permission or no GPS.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocationInput } from './fill-values';

type Fix = { readonly kind: 'idle' } | { readonly kind: 'locating' } | { readonly kind: 'failed'; readonly denied: boolean };

/** The two typed inputs, in this order; `suffix` ends each input's id. */
const COORDINATES = [
  { key: 'latitude', suffix: 'lat' },
  { key: 'longitude', suffix: 'lon' },
] as const;

export interface LocationFieldProps {
  readonly id: string;
  readonly value: LocationInput | undefined;
  readonly onChange: (v: LocationInput) => void;
  readonly invalid: boolean;
  readonly describedBy: string | undefined;
}

export function LocationField({ id, value, onChange, invalid, describedBy }: LocationFieldProps) {
  const { t, i18n } = useTranslation('forms');
  const [fix, setFix] = useState<Fix>({ kind: 'idle' });
  const v = value ?? { latitude: '', longitude: '' };

  function locate() {
    if (!('geolocation' in navigator)) {
      setFix({ kind: 'failed', denied: false });
      return;
    }
    setFix({ kind: 'locating' });
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setFix({ kind: 'idle' });
        onChange({ latitude: String(p.coords.latitude), longitude: String(p.coords.longitude), accuracy: Math.round(p.coords.accuracy * 10) / 10 });
      },
      (e) => setFix({ kind: 'failed', denied: e.code === e.PERMISSION_DENIED }),
      { enableHighAccuracy: true, timeout: 30_000, maximumAge: 60_000 },
    );
  }

  // Typing replaces a device fix: its accuracy no longer describes the numbers.
  const typed = (patch: Partial<LocationInput>) => onChange({ latitude: v.latitude, longitude: v.longitude, ...patch });
  return (
    <div className="location-field">
      <div className="row">
        <button type="button" className="secondary" data-testid="locate" onClick={locate} disabled={fix.kind === 'locating'}>
          {fix.kind === 'locating' ? t('location.locating') : t('location.use')}
        </button>
        {v.accuracy !== undefined && (
          <span className="muted" data-testid="location-accuracy">
            {t('location.accuracy', { metres: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 }).format(v.accuracy) })}
          </span>
        )}
      </div>
      {fix.kind === 'failed' && (
        <p className="hint" role="status">
          {fix.denied ? t('location.denied') : t('location.unavailable')}
        </p>
      )}
      <div className="row location-inputs">
        {COORDINATES.map(({ key, suffix }) => (
          <div className="field" key={key}>
            <label htmlFor={`${id}-${suffix}`}>{t(`location.${key}`)}</label>
            <input
              id={`${id}-${suffix}`}
              data-testid={key}
              type="text"
              inputMode="decimal"
              dir="ltr"
              value={v[key]}
              onChange={(e) => typed({ [key]: e.target.value })}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
            />
          </div>
        ))}
      </div>
    </div>
  );
}
