export function staleSource(root: string, stamp: string): string | undefined;
export function rebuildIfStale(root: string): void;
