import { PassThrough, type Duplex, type Readable, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import { EnvClient, WorkgymError } from '@workgym/protocol';
import type { EnvInstance, EnvRuntime, EnvServerSpec, ExitInfo, StartOptions } from '../runtime.js';
import { StderrTail } from '../stderr-tail.js';
import { connectDocker } from './docker-connection.js';
import { hardenedContainerOptions, SERVER_USER } from './hardening.js';
import { resolveTaskPaths, taskReaderOf } from '../task-paths.js';
import { containerLabels, processRunId } from './labels.js';
import { trackForCleanup } from './exit-cleanup.js';

export class ImageMissingError extends WorkgymError {
  constructor(spec: EnvServerSpec) {
    super(
      'WORKGYM_IMAGE_MISSING',
      spec.image
        ? `image ${spec.image} for env ${spec.name} is not built; run \`workgym images build\``
        : `env ${spec.name} names no image; build it with \`workgym images build\``,
    );
  }
}

export interface DockerRuntimeOptions {
  docker?: Docker;
  /** Label value that groups this runtime's containers (default: one id per process). */
  runId?: string;
}

/**
 * An env server's container, started and attached: the stdio of a server process, for callers
 * that speak (or relay) the protocol themselves.
 */
export interface ServerContainer {
  readonly id: string;
  readonly imageId: string;
  /** The server's stdin; ending it asks the server to close its sessions and exit. */
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Settles when the container has exited. */
  readonly exited: Promise<ExitInfo>;
  readonly alive: boolean;
  /** Ends stdin, gives the server 2 s to exit, then removes the container. */
  remove(): Promise<void>;
}

/** Runs each env server in its own hardened container, reached over the attached stdio. */
export class DockerRuntime implements EnvRuntime {
  readonly kind = 'docker' as const;
  readonly docker: Docker;
  readonly runId: string;

  constructor(options: DockerRuntimeOptions = {}) {
    this.docker = options.docker ?? connectDocker();
    this.runId = options.runId ?? processRunId;
  }

  async start(spec: EnvServerSpec, options: StartOptions = {}): Promise<EnvInstance> {
    return new DockerInstance(await this.launch(spec, options), spec, options);
  }

  /** Starts the env server's container with its stdio attached; no client is connected. */
  async launch(spec: EnvServerSpec, options: Pick<StartOptions, 'signal'> = {}): Promise<ServerContainer> {
    options.signal?.throwIfAborted();
    const tasks = spec.tasks && resolveTaskPaths(spec.tasks, taskReaderOf(spec.docker?.user ?? SERVER_USER));
    if (!spec.image) throw new ImageMissingError(spec);
    const image = await this.docker
      .getImage(spec.image)
      .inspect()
      .catch(() => {
        throw new ImageMissingError(spec);
      });
    const container = await this.docker.createContainer(hardenedContainerOptions({ ...spec, tasks }, containerLabels(spec.name, this.runId)));
    const untrack = trackForCleanup(container.id, () => container.remove({ force: true }).catch(() => undefined));
    let stream: Duplex | undefined;
    try {
      // Attach before start so not one byte of the server's output is missed.
      stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      container.modem.demuxStream(stream, stdout, stderr);
      const ended = () => {
        stdout.end();
        stderr.end();
      };
      stream.once('end', ended);
      stream.once('close', ended);
      stream.on('error', ended);
      await container.start();
      return new AttachedContainer(container, stream, stdout, stderr, image.Id, untrack);
    } catch (error) {
      untrack();
      // A start that failed (the container removed under it) must not leave the attached
      // connection open: it alone would keep the process alive once the work is done.
      stream?.destroy();
      await container.remove({ force: true }).catch(() => undefined);
      throw error;
    }
  }
}

class AttachedContainer implements ServerContainer {
  readonly exited: Promise<ExitInfo>;
  private isAlive = true;
  private removing: Promise<void> | undefined;

  constructor(
    private readonly container: Docker.Container,
    private readonly stream: Duplex,
    readonly stdout: PassThrough,
    readonly stderr: PassThrough,
    readonly imageId: string,
    private readonly untrack: () => void,
  ) {
    this.exited = this.waitForExit();
  }

  get id(): string {
    return this.container.id;
  }

  get stdin(): Writable {
    return this.stream;
  }

  get alive(): boolean {
    return this.isAlive;
  }

  remove(): Promise<void> {
    this.removing ??= this.stopAndRemove();
    return this.removing;
  }

  private async waitForExit(): Promise<ExitInfo> {
    try {
      const { StatusCode } = (await this.container.wait()) as { StatusCode: number };
      const state = await this.container.inspect().then(
        (i) => i.State,
        () => undefined,
      );
      return { exitCode: StatusCode, signal: StatusCode > 128 ? signalName(StatusCode - 128) : null, oomKilled: state?.OOMKilled };
    } catch {
      return { exitCode: null, signal: null };
    } finally {
      this.isAlive = false;
    }
  }

  private async stopAndRemove(): Promise<void> {
    // Ending stdin asks the server to close its sessions and exit; a hung one is killed.
    this.stream.end();
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 2_000).unref());
    await Promise.race([this.exited, timer]);
    await this.container.remove({ force: true }).catch(() => undefined);
    this.untrack();
    this.stream.destroy();
  }
}

class DockerInstance implements EnvInstance {
  readonly runtime = 'docker' as const;
  readonly client: EnvClient;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: ServerContainer,
    spec: EnvServerSpec,
    options: StartOptions,
  ) {
    const stderr = new StderrTail();
    server.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    this.client = new EnvClient(
      { input: server.stdout, output: server.stdin, describeExit: async () => ({ ...(await server.exited), stderrTail: stderr.toString() }) },
      { name: `${spec.name} (container ${server.id.slice(0, 12)})`, deadlineMs: options.callDeadlineMs },
    );
  }

  get id(): string {
    return this.server.id;
  }

  get imageId(): string {
    return this.server.imageId;
  }

  get exited(): Promise<ExitInfo> {
    return this.server.exited;
  }

  get alive(): boolean {
    return this.server.alive;
  }

  close(): Promise<void> {
    this.closing ??= this.client.close().then(() => this.server.remove());
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function signalName(number: number): string | null {
  return ({ 9: 'SIGKILL', 15: 'SIGTERM', 6: 'SIGABRT', 11: 'SIGSEGV', 2: 'SIGINT' } as Record<number, string>)[number] ?? null;
}
