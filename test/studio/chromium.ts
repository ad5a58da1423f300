import chromium from '@sparticuz/chromium'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import { chromium as playwright, type Browser } from 'playwright-core'

// Headless Chromium from npm alone: @sparticuz/chromium ships the browser inside its package, with the few shared
// libraries it needs beyond glibc (NSS, NSPR, expat) and its fonts. Giving the browser those libraries and fonts,
// rather than the machine's, lets the browser tests run on a fresh Debian machine after `npm ci`, with no apt step.

export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromium.executablePath()
  const libraries = bundledLibraries()
  const fonts = path.join(os.tmpdir(), 'fonts')
  return playwright.launch({
    executablePath,
    args: chromium.args,
    headless: true,
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      ...(existsSync(path.join(fonts, 'fonts.conf')) ? { FONTCONFIG_PATH: fonts } : {})
    }
  })
}

/** The package's libraries, unpacked once into the temp folder (brotli, then tar, which every Debian has). */
function bundledLibraries(): string {
  const dir = path.join(os.tmpdir(), `tiktok-commanders-chromium-${chromiumVersion()}`)
  const lib = path.join(dir, 'lib')
  if (existsSync(path.join(lib, 'libnss3.so'))) return lib
  const archive = path.join(packageRoot(), 'bin/al2023.tar.br')
  const staging = `${dir}.${process.pid}`
  mkdirSync(staging, { recursive: true })
  execFileSync('tar', ['-x', '-C', staging], { input: brotliDecompressSync(readFileSync(archive)) })
  try {
    renameSync(staging, dir)
  } catch {
    // Another process unpacked it first: theirs is the same.
    rmSync(staging, { recursive: true, force: true })
  }
  return lib
}

function chromiumVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version
}

/** The package's folder (its main is build/cjs/index.cjs; it exports no package.json). */
function packageRoot(): string {
  return path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '../..')
}
