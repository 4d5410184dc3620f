export default function Home() {
  return (
    <main>
      <h1>Fieldsync</h1>
      <p>Offline-first data capture for field teams.</p>
    </main>
  );
}
