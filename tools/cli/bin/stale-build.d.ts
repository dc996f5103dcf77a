export function staleReason(root: string, stamp: string): string | undefined;
export function rebuildIfStale(root: string): void;
