/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { antdStaticStyles } from './scripts/antdStaticStyles';
import { appTheme } from './src/theme';

// The app is served by `crm serve` from the embedded dist; `npm run dev` proxies the API to a
// local `make run` so the dev server behaves like production.
export default defineConfig({
  // main.tsx imports antd's component styles rendered at build time (scripts/antdStaticStyles.ts),
  // for the theme with motion, as most users see it: the reduced-motion theme too would double the
  // file (+63 KiB gzip on every first load) for the few who ask for less motion, whose browser
  // writes the styles as before.
  plugins: [react(), antdStaticStyles(appTheme(false), fileURLToPath(new URL('src', import.meta.url)))],
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Content hashes in every asset name: /assets/ is served as immutable.
    assetsDir: 'assets',
    // antd is one large vendor chunk shared by every page; the pages themselves stay small. The
    // largest, Swagger UI (1.47 MB), loads only with the API reference page.
    chunkSizeWarningLimit: 1500,
    // dist/.vite/manifest.json: which chunks each page needs, for the bundle budget (budget_test.go).
    // The server does not serve it.
    manifest: true,
  },
  // Unit tests of the pure logic sit beside their modules; e2e/ is Playwright's.
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
