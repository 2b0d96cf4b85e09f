import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Must match ZXING_WASM_PATH in kiosk-ui/scan/zxing-detector.ts. */
const ZXING_WASM_OUT = 'zxing/zxing_reader.wasm';

/**
 * Ships ZXing's wasm with the kiosk screen (and serves it in dev), so the QR decoder never
 * comes from a CDN: the kiosk works offline and its CSP allows only its own origin.
 */
function zxingWasm(): Plugin {
  const source = () => readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  return {
    name: 'bhyt-kiosk:zxing-wasm',
    configureServer(server) {
      server.middlewares.use(`/${ZXING_WASM_OUT}`, (_req, res) => {
        res.setHeader('Content-Type', 'application/wasm');
        res.end(source());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: ZXING_WASM_OUT, source: source() });
    },
  };
}

export default defineConfig({
  root: resolve(here, 'kiosk-ui'),
  base: './',
  publicDir: false,
  plugins: [zxingWasm()],
  build: {
    outDir: resolve(here, 'dist/kiosk-ui'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: {
        index: resolve(here, 'kiosk-ui/index.html'),
        audit: resolve(here, 'kiosk-ui/audit.html'),
        admin: resolve(here, 'kiosk-ui/admin.html'),
      },
    },
  },
  esbuild: {
    // Lit decorators: legacy (experimental) decorators, as in tsconfig.json.
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
  },
});
