import type { Environment } from './environment.js';

/** Per-env exceptions to the hardened container defaults; each is named for what it loosens. */
export interface DockerOverrides {
  /** Memory limit of one container, whatever number of sessions it serves. */
  memoryBytes?: number;
  /**
   * CPU limit of one session, in billionths of a core: a container that serves n sessions at
   * once gets n times it, up to the host's cores (the sessions share it).
   */
  nanoCpus?: number;
  pidsLimit?: number;
  /** Extra writable tmpfs mounts: path -> mount options (e.g. "size=256m,mode=1777"). */
  tmpfs?: Record<string, string>;
  /** Shared memory size in bytes (Chromium wants more than 64 MB). */
  shmSizeBytes?: number;
  user?: string;
  capAdd?: string[];
  nofile?: number;
}

/** What opening an env takes beyond its defaults. */
export interface EnvCreateOptions {
  /** Task-set paths (files or folders; see the kit's task-sets) whose tasks the env serves beside its own families. */
  tasks?: readonly string[];
}

/**
 * What an env package tells the rest of workgym about itself (its `manifest` export): how to
 * open it in-process, where its stdio server is, and what its container needs.
 */
export interface EnvManifest {
  name: string;
  /** Opens the env in this process (`workgym serve`, `workgym envs`, in-process tests). */
  create(options?: EnvCreateOptions): Promise<Environment>;
  /** The stdio server entry: TypeScript from source, JavaScript once built. */
  serverEntry: string;
  /** The env's image/ folder: a Dockerfile of its own instructions and the files they copy. */
  imageDir?: string;
  /**
   * Further programs the env starts inside its container (an MCP server it wraps), by name: each
   * entry module is bundled like the server, with what it imports, into
   * `/opt/workgym/bundles/<name>.mjs` of the image, so it runs there with no network.
   */
  bundles?: Record<string, string>;
  docker?: DockerOverrides;
  /**
   * Sessions a rollout runs at once in one container (default 1): a pool packs its episodes in
   * flight onto as few containers as this allows. Never more than the server's max_sessions
   * (the smaller one wins); each session is fresh, so the env must isolate them.
   */
  sessionsPerContainer?: number;
}
