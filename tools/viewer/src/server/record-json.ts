/**
 * The record as JSON the app reads: 64-bit integers as numbers, bytes left out (images are
 * blob references by sha256).
 */
export function recordJson(record: object): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(record, (_key, value: unknown) => {
      if (typeof value === 'bigint') return Number(value);
      if (value instanceof Uint8Array) return undefined;
      return value;
    }),
  ) as Record<string, unknown>;
}
