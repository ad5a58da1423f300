#!/usr/bin/env node
// The compiled CLI after `npm run build`; in a checkout without a build, the TypeScript sources through tsx.
const fs = require('fs')
const path = require('path')

const built = path.join(__dirname, '../dist/src/cli/main.js')
if (!fs.existsSync(built)) require('tsx/cjs')
const cli = fs.existsSync(built) ? require(built) : require('../src/cli/main.ts')
cli.runCli(process.argv.slice(2))
