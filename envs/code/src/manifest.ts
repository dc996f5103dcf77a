import { envManifest } from '@workgym/protocol/kit/manifest';

const AGENT = 'uid=20000,gid=20000';

/** The code env as the rest of workgym sees it. Why each docker override: docs/envs/code.md. */
export const manifest = envManifest(import.meta.url, {
  name: 'code',
  // The env's own module is imported on first use: importing the manifest loads none of it.
  create: async (options) => new (await import('./env.js')).CodeEnv(undefined, options),
  docker: {
    // Root with only the capabilities needed to run commands as the agent and judge users, to
    // kill their processes and to remove whatever they leave, whatever its modes; every other
    // capability stays dropped.
    user: '0:0',
    capAdd: ['SETUID', 'SETGID', 'KILL', 'DAC_OVERRIDE', 'FOWNER'],
    tmpfs: {
      '/workspace': `rw,exec,nosuid,nodev,size=256m,mode=0755,${AGENT}`,
      '/home/agent': `rw,exec,nosuid,nodev,size=32m,mode=0700,${AGENT}`,
      '/judge': 'rw,exec,nosuid,nodev,size=320m,mode=0700,uid=20001,gid=20001',
    },
  },
});
