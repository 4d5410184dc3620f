// The root layout: the one HTML page of the app (every screen is a hash route of "/", so the
// service worker's precache of "/" opens any screen offline), its manifest and global styles.
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import '@/ui/styles/global.css';

export const metadata: Metadata = {
  title: 'Fieldsync',
  description: 'Offline-first data capture for field teams',
  manifest: '/manifest.webmanifest',
  applicationName: 'Fieldsync',
  appleWebApp: { capable: true, title: 'Fieldsync', statusBarStyle: 'default' },
  icons: { icon: '/icons/icon.svg', apple: '/icons/icon-192.png' },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#0f5132' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
