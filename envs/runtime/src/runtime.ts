import type { DockerOverrides, EnvClient } from '@workgym/protocol';

export type { DockerOverrides };

/** Everything a runtime needs to start one env server. */
export interface EnvServerSpec {
  /** The env's name, e.g. "code". */
  name: string;
  /** The env server bundled into one ES module file (see `bundleServer`); local runs it with this Node. */
  serverBundle: string;
  /** The image a docker runtime runs (see `buildEnvImage`). */
  image?: string;
  /** What this env truly needs beyond the hardened container defaults. */
  docker?: DockerOverrides;
  /** Sessions one server (container) is meant to serve at once (the manifest's; default 1). */
  sessionsPerContainer?: number;
  /** Extra environment variables for the server process. */
  env?: Record<string, string>;
  /**
   * Task-set paths on this machine (files or folders, relative to the working folder or
   * absolute) for the server to load: named in WORKGYM_TASKS; the docker runtime mounts each
   * read-only. A path that is missing, or that the server's user cannot read, is refused
   * before anything starts (TaskPathError).
   */
  tasks?: readonly string[];
}

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  /** The kernel killed it for exceeding its memory limit. */
  oomKilled?: boolean;
}

/** A running env server and the client connected to it. */
export interface EnvInstance extends AsyncDisposable {
  readonly id: string;
  readonly runtime: RuntimeKind;
  readonly client: EnvClient;
  /** Settles when the server process or container has exited. */
  readonly exited: Promise<ExitInfo>;
  readonly alive: boolean;
  /** The image the server runs in (docker), for trajectories to record. */
  readonly imageId?: string;
  /** Asks the server to exit (end of stdin), then makes sure it is gone. */
  close(): Promise<void>;
}

export type RuntimeKind = 'local' | 'docker';

export interface StartOptions {
  signal?: AbortSignal;
  /** Deadline for calls that pass none (ms). */
  callDeadlineMs?: number;
}

/** Where env servers run. One interface, one folder per backend. */
export interface EnvRuntime {
  readonly kind: RuntimeKind;
  start(spec: EnvServerSpec, options?: StartOptions): Promise<EnvInstance>;
}
