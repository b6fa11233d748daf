/**
 * Work that must be done before the HTTP listener closes on shutdown: run after `serverShutdownDelay` (see
 * createServerDrainer). The scaffolder's hand-over of running tasks is one: a running task calls back into the
 * backend (catalog, local git), and once the listener is closed those calls are refused and the task fails for good,
 * so its state must be frozen first (scaffolderGracefulShutdownModule).
 *
 * Process-wide on purpose: the root HTTP router factory cannot take dependencies of its own (its `configure`
 * receives a fixed context), so modules meet it here; there is one root HTTP server per process.
 */
const hooks = new Set<() => Promise<void>>();

/**
 * Registers `hook` to run (in parallel with the others) before the HTTP server stops accepting connections on
 * shutdown. The hook bounds its own duration. Returns a function that unregisters it.
 *
 * @public
 */
export function addBeforeServerCloseHook(
  hook: () => Promise<void>,
): () => void {
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}

/** Runs the registered hooks; a failing hook does not keep the server from closing. */
export async function runBeforeServerCloseHooks(): Promise<void> {
  await Promise.allSettled([...hooks].map(hook => hook()));
}
