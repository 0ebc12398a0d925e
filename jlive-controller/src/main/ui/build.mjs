// Bundles the dashboard into the controller's classes folder, where the jar picks it up.
// Run by the Maven build (exec-maven-plugin: npm ci, then npm run build); nothing here is
// fetched at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const out = resolve(
  process.env.JLIVE_UI_OUT ?? '../../../target/classes/dev/jlive/controller/ui/static');
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  outfile: resolve(out, 'app.js'),
  loader: { '.css': 'css' },
  logLevel: 'warning',
});
await esbuild.build({
  entryPoints: ['src/app.css'],
  bundle: true,
  minify: true,
  outfile: resolve(out, 'app.css'),
  logLevel: 'warning',
});
copyFileSync('src/index.html', resolve(out, 'index.html'));

