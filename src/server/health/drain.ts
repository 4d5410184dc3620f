// The instance's drain switch: once `begin()` is called (SIGTERM, graceful-shutdown.ts) health
// answers 503 so the load balancer stops sending here, and every hook registered with
// `onDrain` runs once: long-lived streams (Server-Sent Events) end there, since a stream that
// never finishes would hold the drain for its whole grace.
export type DrainHook = () => void | Promise<void>;

export class Drain {
  #draining = false;
  readonly #hooks = new Set<DrainHook>();

  get draining(): boolean {
    return this.#draining;
  }

  /** Runs `hook` when the drain begins (at once if it has); returns a function that unregisters it. */
  onDrain(hook: DrainHook): () => void {
    if (this.#draining) {
      void runHook(hook);
      return () => {};
    }
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  /** Starts the drain and waits for every hook; a hook that fails does not stop the others. */
  async begin(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    const hooks = [...this.#hooks];
    this.#hooks.clear();
    await Promise.all(hooks.map(runHook));
  }
}

async function runHook(hook: DrainHook): Promise<void> {
  try {
    await hook();
  } catch {
    // A stream that fails to close is ended with its connection when the grace runs out.
  }
}
