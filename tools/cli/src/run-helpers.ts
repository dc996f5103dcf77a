import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openRun, type RunReader, type ShardDamage } from '@workgym/trajectories';
import { UsageError } from './usage-error.js';

// What the commands that read a run share: opening it with what it skipped reported, and the
// damage warnings. Errors go to main.ts's handler.

/**
 * Opens the run, reports on stderr a skipped torn tail and the damage found (on opening, or with
 * `check` by reading every record: RunReader.checkRecords()), and always closes it.
 */
export async function withRun(
  run: string,
  use: (reader: RunReader, damage: readonly ShardDamage[]) => unknown,
  options: { check?: boolean } = {},
): Promise<void> {
  const reader = await openRun(run);
  try {
    for (const repair of reader.repairs) {
      console.error(
        `workgym: ${run}: ${repair.file}: ${repair.reason}; skipped ${repair.droppedBytes} bytes at offset ${repair.offset} ` +
          '(a write the writer did not finish; resuming the run cuts them off)',
      );
    }
    const damage = options.check ? await reader.checkRecords() : reader.damage;
    warnDamage(run, damage);
    await use(reader, damage);
  } finally {
    await reader.close();
  }
}

/** One warning line per damaged stretch, then what to do about it. */
function warnDamage(run: string, damage: readonly ShardDamage[]): void {
  if (damage.length === 0) return;
  for (const d of damage) {
    const lost = d.episodes.length ? `episode(s) ${d.episodes.join(', ')} cannot be read` : 'the records there cannot be read';
    console.error(`workgym: warning: ${run}: ${d.file} is damaged at offset ${d.offset} (${d.reason}): ${lost}`);
  }
  console.error(
    `hint: \`workgym data verify ${run}\` lists all damage; \`workgym data repair ${run} --out NEW\` copies the good episodes to a new run; ` +
      'resuming the rollout runs the damaged episodes again',
  );
}

/** Refuses, before any work is done, a folder to write that a file stands in the way of. */
export function checkOutFolder(path: string, flag: string): void {
  for (let at = resolve(path); ; at = dirname(at)) {
    if (existsSync(at)) {
      if (!statSync(at).isDirectory()) throw new UsageError(`${flag} ${path}: ${at} is a file, not a folder`, 'pick a path that is not taken by a file');
      return;
    }
    if (dirname(at) === at) return;
  }
}
