import { spawnSync } from 'child_process'
import { existsSync } from 'fs'
import path from 'path'

// The side-by-side row of `npm run bench`: the team's benchmark against Segment's published TikTok destination
// (../shared/bench/side-by-side.js), run BENCH_SIDE_RUNS times (default 5) in separate processes, each ratio taken
// within its own run, then their medians: the machine is shared, and one run's ratio says little. Skipped, with the
// way to set it up, when the script or Segment's package (ANCHOR_DIR) is not there. Asserts nothing.

const root = path.resolve(__dirname, '..')
const script = process.env.SIDE_BY_SIDE ?? path.resolve(root, '../shared/bench/side-by-side.js')
const anchor = process.env.ANCHOR_DIR ?? '/tmp/tt-anchor'
const runs = Number(process.env.BENCH_SIDE_RUNS ?? 5)
const [single, batched] = (process.env.BENCH_SIDE_EVENTS ?? '3000,40000').split(',')

const RATIOS = /ours batch\/segment = ([\d.]+)x, ours single\/segment = ([\d.]+)x/

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function main(): void {
  console.log('\nSide by side with Segment (tiktok-conversions), purchase preset, one process per run')
  if (!existsSync(script) || !existsSync(path.join(anchor, 'node_modules/@segment/action-destinations'))) {
    console.log(`  skipped: needs ${script} and Segment's package in ANCHOR_DIR (${anchor}); to set it up:`)
    console.log(`  cp -r ${path.dirname(script)}/anchor ${anchor} && (cd ${anchor} && npm ci --no-audit --no-fund)`)
    return
  }
  const batchedRatios: number[] = []
  const singleRatios: number[] = []
  for (let run = 1; run <= runs; run++) {
    const result = spawnSync(process.execPath, [script, root, single, batched], {
      cwd: root,
      env: { ...process.env, ANCHOR_DIR: anchor },
      encoding: 'utf8'
    })
    const last = (result.stdout ?? '').trim().split('\n').pop() ?? ''
    const ratios = RATIOS.exec(last)
    if (result.status !== 0 || !ratios) {
      console.log(
        `  run ${run}: failed (exit ${result.status}): ${last || (result.error?.message ?? (result.stderr ?? '').trim().split('\n').pop())}`
      )
      continue
    }
    batchedRatios.push(Number(ratios[1]))
    singleRatios.push(Number(ratios[2]))
    console.log(`  run ${run}: batched ${ratios[1]}x, single ${ratios[2]}x Segment's events/s`)
  }
  if (batchedRatios.length) {
    console.log(
      `  median of ${batchedRatios.length}: batched ${median(batchedRatios).toFixed(1)}x, single ${median(singleRatios).toFixed(2)}x`
    )
  }
}

main()
