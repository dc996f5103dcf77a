import { createHash, timingSafeEqual } from 'node:crypto';

/** The shortest bearer token a gateway accepts: a guessable token guards nothing. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Whether an Authorization header carries `token`. Both sides are hashed first, so the
 * comparison takes the same time whatever the header holds (its length included).
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer +(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
