import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINE_MS, DEFAULT_MAX_FRAME_BYTES, SEED_LIMIT } from '../src/index.js';
import { MAX_RECORDED_CHANGES, MAX_RECORDED_TOTAL_BYTES, MAX_RECORDED_VALUE_BYTES } from '../src/kit/index.js';

// workgym.proto must be all a client needs: what it says of the server has to be what the
// server and every env do. These read the comments and the sources they describe.
const envsDir = join(import.meta.dirname, '..', '..');
const proto = readFileSync(join(import.meta.dirname, '..', 'proto', 'workgym.proto'), 'utf8');

/** The names listed in the comment just above `message <name> {`, one per line. */
function listedAbove(message: string): Set<string> {
  const lines = proto
    .slice(0, proto.indexOf(`message ${message} {`))
    .trimEnd()
    .split('\n');
  const comment = lines.slice(lines.findLastIndex((line) => !line.startsWith('//')) + 1);
  return new Set(comment.flatMap((line) => /^\/\/ {3}([a-z_]+) {2,}/.exec(line)?.[1] ?? []));
}

/** Every product env source file (the counter test env's test hooks are not the product). */
function envSources(): string[] {
  return readdirSync(envsDir, { recursive: true, encoding: 'utf8' })
    .filter((path) => /^[^/]+\/src\/.*\.ts$/.test(path) && !path.includes('/gen/') && !path.includes('/testing/'))
    .map((path) => readFileSync(join(envsDir, path), 'utf8'));
}

function matches(sources: string[], patterns: RegExp[]): Set<string> {
  return new Set(sources.flatMap((source) => patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]!))));
}

describe('workgym.proto', () => {
  it('lists every ActionError kind an env or the server gives, and no other', () => {
    const used = matches(envSources(), [
      /new ActionError\(\s*'([a-z_]+)'/g, // thrown by a tool
      /\{ error: '([a-z_]+)'/g, // reported by the browser's in-page scripts
      /error: \{ kind: '([a-z_]+)'/g, // made by the server itself
    ]);
    expect(used.size).toBeGreaterThan(20);
    expect([...listedAbove('ActionError')].sort()).toEqual([...used].sort());
  });

  it('lists every ProtocolError code the server or an env answers with, and no other', () => {
    const used = matches(envSources(), [/CallRefusedError\(\s*'([a-z_]+)'/g, /refuse\([^,]+,\s*'([a-z_]+)'/g]);
    expect(used.size).toBeGreaterThan(8);
    expect([...listedAbove('ProtocolError')].sort()).toEqual([...used].sort());
  });

  it('states the default deadline, the frame limit and the seed range the server applies', () => {
    expect(proto).toContain(`0 means the server's default, ${DEFAULT_DEADLINE_MS} ms`);
    expect(proto).toContain(`length over the server's limit (${DEFAULT_MAX_FRAME_BYTES} bytes`);
    expect(proto).toContain(`Seeds run from 0 to\n//   ${SEED_LIMIT - 1} (2^30 - 1) on every split`);
  });

  it('states the caps on the changes a verdict records', () => {
    const text = proto.replace(/\n\/\/ +/g, ' ');
    const [value, total] = [MAX_RECORDED_VALUE_BYTES / 1024, MAX_RECORDED_TOTAL_BYTES / 1024 / 1024];
    expect(text).toContain(`at most ${MAX_RECORDED_CHANGES} changes (the first by key), each value at most ${value} KiB`);
    expect(text).toContain(`${total} MiB of values in all`);
  });
});
