import fs from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

/**
 * exceljs ships a ready browser build (a UMD script defining `ExcelJS`). Bundling it again would cost
 * the build seconds for a button few people press, so it is copied as is and loaded on demand.
 */
function excelVendorScript(): Plugin {
  const file = createRequire(import.meta.url).resolve('exceljs/dist/exceljs.min.js');
  const path = '/vendor/exceljs.min.js';
  return {
    name: 'flywheel-exceljs-vendor',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: path.slice(1), source: fs.readFileSync(file) });
    },
    configureServer(server) {
      server.middlewares.use(path, (_req, res) => {
        res.setHeader('content-type', 'text/javascript');
        res.end(fs.readFileSync(file));
      });
    },
  };
}

/**
 * The console build. Vite compiles TSX with esbuild (automatic JSX runtime), so no React plugin is
 * needed. `@flywheel/contracts` resolves through the workspace symlink to its TypeScript source.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  esbuild: { jsx: 'automatic' },
  plugins: [excelVendorScript()],
  server: { proxy: { '/v1': 'http://127.0.0.1:8787' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
    rollupOptions: {
      // antd marks its modules "use client" for React Server Components; meaningless in a plain SPA bundle.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts';
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          return undefined;
        },
      },
    },
  },
});
