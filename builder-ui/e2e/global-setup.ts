import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash, stampFile } from '../scripts/source-hash.mjs';

const uiDir = fileURLToPath(new URL('..', import.meta.url));
const repo = join(uiDir, '..');

// Builds crm once from this repository (with the embedded dist) and hands it to the workers in
// CRM_E2E_BIN: each worker starts its own `crm serve` from it (the server fixture in fixtures.ts).
export default function globalSetup(): () => void {
  // The server embeds dist: testing a stale one would test something else than src.
  if (readFileSync(stampFile, 'utf8').trim() !== sourceHash()) {
    throw new Error('builder-ui/dist is stale: run `make ui`');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
  const bin = join(tmp, 'crm');
  // The e2eclock build adds the test-only clock switch (POST /api/test/clock), which only the SLA
  // test uses, on a server of its own; production builds cannot have it.
  execFileSync('go', ['build', '-tags', 'e2eclock', '-o', bin, './cmd/crm'], { cwd: repo, stdio: 'inherit' });

  // Screenshots and server logs are this run's artefacts only (Playwright cleans just its outputDir).
  const results = join(uiDir, 'test-results');
  rmSync(join(results, 'screenshots'), { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  for (const f of readdirSync(results)) if (/^crm-serve.*\.log$/.test(f)) rmSync(join(results, f));
  process.env.CRM_E2E_BIN = bin;

  return () => {
    rmSync(tmp, { recursive: true, force: true });
  };
}
