import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { SourceInfo, TrainingView, TransferMatrix } from '../model/api.js';
import { csvColumns } from '../model/training.js';
import { RunSource } from './run-source.js';

/** A source the viewer cannot open: one line for the person who named it. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}

/** What `workgym train`, `eval --json` and `transfer` wrote: read again on every request (small files). */
export class FileSource {
  constructor(
    readonly info: SourceInfo,
    private readonly path: string,
  ) {}

  async training(): Promise<TrainingView> {
    const view: TrainingView = { source: this.info };
    if (statSync(this.path).isFile()) {
      const json = await readJson(this.path);
      if (this.info.kind === 'transfer') view.transfer = json as TransferMatrix;
      else view.eval = json;
      return view;
    }
    const curves = await readText(join(this.path, 'curves.csv'));
    if (curves !== undefined) view.curves = csvColumns(curves);
    const testCurves = await readText(join(this.path, 'test-curves.csv'));
    if (testCurves !== undefined) view.testCurves = csvColumns(testCurves);
    const comparison = await readText(join(this.path, 'comparison.json'));
    if (comparison !== undefined) view.eval = JSON.parse(comparison);
    const transfer = await readText(join(this.path, 'transfer.json'));
    if (transfer !== undefined) view.transfer = JSON.parse(transfer) as TransferMatrix;
    return view;
  }
}

export type Source = RunSource | FileSource;

/** Opens each path as what it holds; ids `r0`, `r1`, ... in the order given. */
export async function openSources(paths: readonly string[]): Promise<Source[]> {
  const sources: Source[] = [];
  try {
    for (const [i, path] of paths.entries()) sources.push(await openSource(`r${i}`, path));
  } catch (error) {
    await Promise.all(sources.map((s) => (s instanceof RunSource ? s.close() : undefined)));
    throw error;
  }
  return sources;
}

async function openSource(id: string, path: string): Promise<Source> {
  const full = resolve(path);
  if (!existsSync(full)) throw new SourceError(`${path}: no such file or folder`);
  const info = (kind: SourceInfo['kind']): SourceInfo => ({ id, kind, path, name: basename(full) });
  const kind = await classify(full, path);
  if (kind === 'run') {
    try {
      return await RunSource.open(info('run'), full);
    } catch (error) {
      throw new SourceError(`${path}: cannot read the run (${(error as Error).message})`);
    }
  }
  return new FileSource(info(kind), full);
}

const TRAINING_FILES = ['curves.csv', 'test-curves.csv', 'comparison.json', 'evals'];

async function classify(full: string, path: string): Promise<SourceInfo['kind']> {
  if (statSync(full).isFile()) {
    const json = await readJson(full).catch(() => {
      throw new SourceError(`${path}: not a run folder, training folder, eval JSON or transfer.json (the file is not JSON)`);
    });
    return typeof json === 'object' && json !== null && 'cells' in json && 'trainSets' in json ? 'transfer' : 'eval';
  }
  const names = await readdir(full).catch((error: NodeJS.ErrnoException) => {
    throw new SourceError(`${path}: cannot list the folder (${error.code ?? error.message})`);
  });
  if (names.includes('manifest.json')) {
    const manifest = await readJson(join(full, 'manifest.json')).catch(() => undefined);
    if ((manifest as { format?: unknown } | undefined)?.format === 'workgym-run') return 'run';
  }
  if (names.includes('transfer.json')) return 'transfer';
  if (names.some((n) => TRAINING_FILES.includes(n))) return 'training';
  throw new SourceError(`${path}: not a run folder, training folder, eval JSON or transfer folder (nothing the viewer reads is in it)`);
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}
