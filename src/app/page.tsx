// The app: a client-side shell over the device's database (src/ui/app.tsx).
import { App } from '@/ui/app';

export default function Home() {
  return <App />;
}
