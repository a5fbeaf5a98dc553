import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { addResult, type ConformanceResults, renderMatrix } from './matrix.js';

/**
 * A vitest reporter that turns conformance test outcomes into `results.json` and `RESULTS.md` in the directory named
 * by `DURABLE_CONFORMANCE_OUT` (default: the current directory).
 */
export default class ConformanceReporter implements Reporter {
  private readonly outputDir = process.env.DURABLE_CONFORMANCE_OUT ?? process.cwd();

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const results: ConformanceResults = {};
    for (const module of testModules) {
      for (const test of module.children.allTests()) addResult(results, test.fullName, test.result().state);
    }
    writeFileSync(join(this.outputDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(this.outputDir, 'RESULTS.md'), renderMatrix(results));
  }
}
