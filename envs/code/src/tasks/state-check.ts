// Python for `state` checks (src/tasks/task.ts): the judge runs it as the judge user in the
// agent's workspace itself, so it imports nothing from there and opens only regular files
// inside it, never following a link, never blocking, never past a size cap.

/**
 * The start of every state check's prelude: '.' leaves sys.path before any import, and
 * `read_regular(path, cap)` gives a file's bytes, or None when it is missing, not a regular file
 * inside the workspace, or over `cap` bytes.
 */
export const STATE_PRELUDE = `import sys
sys.path[:] = [p for p in sys.path if p not in ('', '.')]
import json, os, stat
ROOT = os.path.realpath('.')


def inside(path):
    return os.path.realpath(os.path.dirname(os.path.join(ROOT, path))).startswith(ROOT)


def open_regular(path):
    if not inside(path):
        return None
    try:
        fd = os.open(os.path.join(ROOT, path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def read_regular(path, cap=1 << 20):
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        if os.fstat(fd).st_size > cap:
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b''.join(chunks)
    finally:
        os.close(fd)
`;

/** A Python string literal holding `value` as JSON, for the truth a prelude carries (`json.loads(...)`). */
export function pyJson(value: unknown): string {
  return `json.loads(${JSON.stringify(JSON.stringify(value))})`;
}
