import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash, stampFile } from '../scripts/source-hash.mjs';
import { startServer } from './server';

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
  // The e2eclock build adds the test-only clock switch (POST /api/test/clock), which only the SLA
  // test uses, on a server of its own; production builds cannot have it.
  execFileSync('go', ['build', '-tags', 'e2eclock', '-o', bin, './cmd/crm'], { cwd: repo, stdio: 'inherit' });

  // Screenshots are this run's artefacts only (Playwright cleans just its outputDir).
  rmSync(join(uiDir, 'test-results', 'screenshots'), { recursive: true, force: true });
  mkdirSync(join(uiDir, 'test-results'), { recursive: true });
  const server = await startServer(bin, join(tmp, 'data'), join(uiDir, 'test-results', 'crm-serve.log'));
  process.env.CRM_E2E_BASE_URL = server.base;
  process.env.CRM_E2E_BIN = bin;

  return async () => {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
}
