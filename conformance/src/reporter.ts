import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { addResult, type ConformanceResults, renderMatrix } from './matrix.js';

/**
 * A vitest reporter that turns conformance test outcomes into `results.json` and `RESULTS.md` in the directory named
 * by `DURABLE_CONFORMANCE_OUT` (default: the current directory). With `DURABLE_CONFORMANCE_MERGE=1` (a run of some
 * backends only), the backends of this run replace theirs in the existing `results.json` and the others are kept.
 */
export default class ConformanceReporter implements Reporter {
  private readonly outputDir = process.env.DURABLE_CONFORMANCE_OUT ?? process.cwd();

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const ran: ConformanceResults = {};
    for (const module of testModules) {
      for (const test of module.children.allTests()) addResult(ran, test.fullName, test.result().state);
    }
    const results = process.env.DURABLE_CONFORMANCE_MERGE === '1' ? { ...this.#previous(), ...ran } : ran;
    writeFileSync(join(this.outputDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(this.outputDir, 'RESULTS.md'), renderMatrix(results));
  }

  #previous(): ConformanceResults {
    const file = join(this.outputDir, 'results.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ConformanceResults) : {};
  }
}
