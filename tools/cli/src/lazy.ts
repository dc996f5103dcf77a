/**
 * A command action that imports its implementation only when the command runs, so that defining
 * the command (and printing its --help) loads nothing the command uses.
 */
export function lazy<A extends unknown[]>(load: () => Promise<(...args: A) => unknown>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    await (
      await load()
    )(...args);
  };
}
