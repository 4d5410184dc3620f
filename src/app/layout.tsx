import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';

export const metadata: Metadata = {
  title: 'Fieldsync',
  description: 'Offline-first data capture for field teams',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0f5132' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
