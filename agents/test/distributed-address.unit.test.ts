import { describe, expect, it } from 'vitest';
import {
  agentSpecSchema,
  connectionOptions,
  episodeIdOf,
  episodeJobSchema,
  jobIdOf,
  parseQueueUrl,
  QueueAddressError,
  redactQueueUrl,
} from '../src/distributed/index.js';

const job = {
  v: 1,
  runId: 'r1',
  item: {
    episodeId: 'counter/reach-target:train:10:0',
    groupId: 'counter/reach-target:train:10',
    env: 'counter',
    family: 'counter/reach-target',
    split: 'train',
    seed: 10,
    sample: 0,
  },
  agent: { kind: 'expert', seed: 10 },
  limits: { maxSteps: 20, stepDeadlineMs: 1000, episodeDeadlineMs: 10_000 },
};

describe('queue URLs', () => {
  it('keeps the password out of the URL it returns, from the URL or else from WORKGYM_REDIS_PASSWORD', () => {
    expect(parseQueueUrl('redis://worker:s%40cret@10.0.0.5:6380/2', {})).toEqual({ url: 'redis://worker@10.0.0.5:6380/2', password: 's@cret' });
    expect(parseQueueUrl('redis://10.0.0.5', { WORKGYM_REDIS_PASSWORD: 'from-env' })).toEqual({ url: 'redis://10.0.0.5', password: 'from-env' });
    expect(parseQueueUrl('redis://:inurl@host', { WORKGYM_REDIS_PASSWORD: 'from-env' }).password).toBe('inurl');
    expect(parseQueueUrl('redis://host', {})).toEqual({ url: 'redis://host' });
  });

  it('connects with TLS for rediss://, with the user, password and database given', () => {
    expect(connectionOptions(parseQueueUrl('rediss://worker:pw@redis.example:6390/3', {}))).toMatchObject({
      host: 'redis.example',
      port: 6390,
      username: 'worker',
      password: 'pw',
      db: 3,
      tls: { servername: 'redis.example' },
    });
    expect(connectionOptions(parseQueueUrl('redis://127.0.0.1', {}))).not.toHaveProperty('tls');
  });

  it('refuses what is not a Redis URL in one line that never shows the password', () => {
    for (const bad of [
      'http://user:hunter2@host',
      'redis://user:hunter2@host/notadb',
      'redis://user:hunter2@host?x=1',
      'user:hunter2@host',
      'redis://user:hunter2@',
    ]) {
      let error: unknown;
      try {
        parseQueueUrl(bad, {});
      } catch (caught) {
        error = caught;
      }
      expect(error, bad).toBeInstanceOf(QueueAddressError);
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('redacts a password wherever it is, and leaves a URL without one as it is', () => {
    expect(redactQueueUrl('redis://user:hunter2@host:6379')).toBe('redis://user:***@host:6379');
    expect(redactQueueUrl('rediss://host:6379')).toBe('rediss://host:6379');
    expect(redactQueueUrl('user:hunter2@host')).toBe('***@host');
  });

  it('names jobs by episode id, with the ":" BullMQ reserves encoded, reversibly', () => {
    const id = 'web/form:train:10:0%';
    expect(jobIdOf(id)).not.toContain(':');
    expect(episodeIdOf(jobIdOf(id))).toBe(id);
  });
});

describe('job payloads', () => {
  it('accepts a well-formed episode job', () => {
    expect(episodeJobSchema.safeParse(job).success).toBe(true);
  });

  it('refuses a job with fields it does not know (an API key), of another version, or with a bad item', () => {
    expect(agentSpecSchema.safeParse({ kind: 'openai', seed: 1, apiKey: 'sk-...' }).success).toBe(false);
    expect(episodeJobSchema.safeParse({ ...job, v: 2 }).success).toBe(false);
    expect(episodeJobSchema.safeParse({ ...job, item: { ...job.item, seed: 'ten' } }).success).toBe(false);
    expect(episodeJobSchema.safeParse({ ...job, agent: { kind: 'eval', seed: 1 } }).success).toBe(false);
  });
});
