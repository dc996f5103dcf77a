import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// One build serves both ways: `workgym view` serves it at / and a bundle opens it from disk.
// Chromium refuses module scripts (and any crossorigin fetch) from file://, so the app is one
// classic script: a single chunk with no imports or exports (no code splitting, no module
// preload), wrapped in a function so that its top-level names stay out of `window`, and its tags
// lose type=module and crossorigin. (Rolldown's iife format would inject the CSS from the script,
// which the CSP forbids; this keeps it a stylesheet file.) Asset paths are relative (base './'),
// so the folder works wherever it lies.
function classicScriptTags(): Plugin {
  return {
    name: 'workgym-classic-script-tags',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html.replace(/<script type="module" crossorigin/g, '<script defer').replace(/ crossorigin(?=[ >])/g, ''),
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('src/app', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [classicScriptTags()],
  build: {
    outDir: fileURLToPath(new URL('dist/app', import.meta.url)),
    emptyOutDir: true,
    modulePreload: false,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: { output: { codeSplitting: false, intro: '(() => {', outro: '})();' } },
  },
});
