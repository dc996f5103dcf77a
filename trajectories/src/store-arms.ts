/**
 * Which implementation the store uses, for bench/trajectories-store.ts to compare them in
 * one process (read when a writer is created and when a record is encoded or decoded).
 */
export const storeArms: { codec: 'compiled' | 'msgpackr'; shardHash: 'worker' | 'frames' } = {
  codec: 'compiled',
  shardHash: 'worker',
};
