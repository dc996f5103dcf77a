import type { ContainerCreateOptions } from 'dockerode';
import { TASKS_ENV, taskSetEnvValue } from '@workgym/protocol/kit';
import type { DockerOverrides, EnvServerSpec } from '../runtime.js';
import { containerTaskPath } from '../task-paths.js';

/** The unprivileged user env servers run as unless an env says otherwise. */
export const SERVER_USER = '10001:10001';

const MiB = 1024 * 1024;

/** Defaults every env container gets; an env loosens them only through DockerOverrides. */
export const HARDENED_DEFAULTS = {
  memoryBytes: 1024 * MiB,
  nanoCpus: 1_000_000_000,
  pidsLimit: 256,
  nofile: 4096,
  tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m,mode=1777' } as Record<string, string>,
} as const;

/**
 * Container options for an env server: no network, no capabilities, read-only root, limits.
 * The spec's task sets (absolute host paths) are bind-mounted read-only at
 * /workgym/tasks/<n>/<basename>, and WORKGYM_TASKS names them there.
 */
export function hardenedContainerOptions(spec: EnvServerSpec, labels: Record<string, string>): ContainerCreateOptions {
  const o: DockerOverrides = spec.docker ?? {};
  const memory = o.memoryBytes ?? HARDENED_DEFAULTS.memoryBytes;
  const nofile = o.nofile ?? HARDENED_DEFAULTS.nofile;
  const tasks = (spec.tasks ?? []).map((source, i) => ({ Type: 'bind' as const, Source: source, Target: containerTaskPath(i, source), ReadOnly: true }));
  const env = { ...spec.env, ...(tasks.length > 0 ? { [TASKS_ENV]: taskSetEnvValue(tasks.map((t) => t.Target)) } : {}) };
  return {
    Image: spec.image,
    User: o.user ?? SERVER_USER,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: labels,
    // Protocol frames travel over the attached stdin/stdout; no TTY, so the bytes stay raw.
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      CapAdd: o.capAdd ?? [],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: o.pidsLimit ?? HARDENED_DEFAULTS.pidsLimit,
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: o.nanoCpus ?? HARDENED_DEFAULTS.nanoCpus,
      ReadonlyRootfs: true,
      Tmpfs: { ...HARDENED_DEFAULTS.tmpfs, ...o.tmpfs },
      Mounts: tasks,
      ShmSize: o.shmSizeBytes,
      Init: true,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      Ulimits: [{ Name: 'nofile', Soft: nofile, Hard: nofile }],
      AutoRemove: false,
    },
  };
}
