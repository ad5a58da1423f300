#!/usr/bin/env node
// Always the TypeScript sources, through tsx: one source of truth for the CLI and the files it reads (samples), so a
// stale `npm run build` can never be what runs. `dist/` is for embedding the destination, not for the CLI.
require('tsx/cjs')
require('../src/cli/main.ts').runCli(process.argv.slice(2))
