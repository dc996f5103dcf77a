import { hash } from 'node:crypto';

/** One-shot hashing: a third of the cost of createHash() for the short strings hashed per record. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}
