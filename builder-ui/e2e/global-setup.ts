import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash, stampFile } from '../scripts/source-hash.mjs';
import { admin } from './admin';

const uiDir = fileURLToPath(new URL('..', import.meta.url));
const repo = join(uiDir, '..');

// Builds crm from this repository (with the embedded dist), starts `crm serve` on a free port
// with an empty data dir (the default CRM and its demo people and records, CRM_DEMO), and hands
// its address to the tests in CRM_E2E_BASE_URL.
export default async function globalSetup(): Promise<() => Promise<void>> {
  // The server embeds dist: testing a stale one would test something else than src.
  if (readFileSync(stampFile, 'utf8').trim() !== sourceHash()) {
    throw new Error('builder-ui/dist is stale: run `make ui`');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
  const bin = join(tmp, 'crm');
  execFileSync('go', ['build', '-o', bin, './cmd/crm'], { cwd: repo, stdio: 'inherit' });

  // Screenshots are this run's artefacts only (Playwright cleans just its outputDir).
  rmSync(join(uiDir, 'test-results', 'screenshots'), { recursive: true, force: true });
  mkdirSync(join(uiDir, 'test-results'), { recursive: true });
  const log = createWriteStream(join(uiDir, 'test-results', 'crm-serve.log'));
  // Port 0: the server picks a free port and logs it, so two runs never race for one.
  const server = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data-dir', join(tmp, 'data')], {
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
    const timer = setTimeout(
      () => reject(new Error('crm serve did not start in 30 s; see test-results/crm-serve.log')),
      30_000,
    );
    let seen = '';
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      seen += chunk.toString();
      const m = /msg=serving addr=(\S+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`crm serve exited early:\n${seen}`)));
  });
  process.env.CRM_E2E_BASE_URL = base;

  return async () => {
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
    log.end();
    rmSync(tmp, { recursive: true, force: true });
  };
}
