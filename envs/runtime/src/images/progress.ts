import type Docker from 'dockerode';

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Waits for a build or import stream to end; rejects with the engine's own error message. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream, log?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: ProgressEvent[]) => {
        const failed = events?.find((e) => e.error);
        if (error) reject(error);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
        else resolve();
      },
      (event: ProgressEvent) => {
        const line = (event.stream ?? event.status ?? '').trim();
        if (line && log) log(line);
      },
    );
  });
}
