import { execFileSync } from 'child_process'
import { readFileSync } from 'fs'
import path from 'path'

const root = path.resolve(__dirname, '../..')

describe('generated types', () => {
  it('are current with the field definitions (run `npm run generate-types` when this fails)', () => {
    const tsx = path.join(root, 'node_modules/.bin/tsx')
    const printed = execFileSync(tsx, ['scripts/generate-types.ts', '--print'], { cwd: root, encoding: 'utf8' })
    const expected: Record<string, string> = JSON.parse(printed)
    expect(Object.keys(expected)).toHaveLength(2)
    for (const [file, content] of Object.entries(expected)) {
      expect(readFileSync(file, 'utf8')).toBe(content)
    }
  })
})
