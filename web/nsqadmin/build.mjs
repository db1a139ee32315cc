// Bundles the UI into <outdir> (default dist/): main.js (preact + htm app), main.css,
// favicon.svg. Run by src/nsqadmin/embed_assets.cmake at build time; no network needed.
import {copyFileSync, mkdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import * as esbuild from 'esbuild'

const here = path.dirname(fileURLToPath(import.meta.url))
const outdir = path.resolve(process.argv[2] || path.join(here, 'dist'))
mkdirSync(outdir, {recursive: true})

await esbuild.build({
    entryPoints: [path.join(here, 'src/main.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    outfile: path.join(outdir, 'main.js'),
    logLevel: 'warning',
})
await esbuild.build({
    entryPoints: [path.join(here, 'src/style.css')],
    bundle: true,
    minify: true,
    outfile: path.join(outdir, 'main.css'),
    logLevel: 'warning',
})
copyFileSync(path.join(here, 'src/favicon.svg'), path.join(outdir, 'favicon.svg'))
