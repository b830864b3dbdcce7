import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { admin } from './admin';

export interface Server {
  base: string;
  stop: () => Promise<void>;
}

/**
 * Starts `crm serve` from bin on a free port with dataDir, the default template and its demo
 * people, writing its log to logPath; resolves with its address once it serves.
 */
export async function startServer(bin: string, dataDir: string, logPath: string): Promise<Server> {
  const log = createWriteStream(logPath);
  // Port 0: the server picks a free port and logs it, so two runs never race for one.
  const server = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir], {
    env: {
      ...process.env,
      CRM_ADMIN_EMAIL: admin.email,
      CRM_ADMIN_PASSWORD: admin.password,
      CRM_LOG_LEVEL: 'INFO',
      CRM_DEMO: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`crm serve did not start in 30 s; see ${logPath}`)), 30_000);
    let seen = '';
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      seen += chunk.toString();
      const m = /msg=serving addr=(\S+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`crm serve exited early:\n${seen}`)));
  });
  return {
    base,
    stop: async () => {
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
      log.end();
    },
  };
}
