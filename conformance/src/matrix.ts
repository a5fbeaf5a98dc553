import { GROUPS } from './harness.js';

/** Counts for one operation group on one backend. */
export interface GroupResult {
  passed: number;
  failed: number;
  /** Probes of undeclared features that correctly failed with `UnsupportedFeatureError`. */
  unsupported: number;
}

/** `{ backend: { group: counts } }`: what `conformance/results.json` holds. */
export type ConformanceResults = Record<string, Record<string, GroupResult>>;

const TITLE = /^conformance: (.+?) > \[([a-z-]+)\] > (.+)$/;

/** Adds one test outcome, identified by its full name (`conformance: <backend> > [<group>] > <test>`). */
export function addResult(results: ConformanceResults, fullName: string, state: string): void {
  const match = TITLE.exec(fullName);
  if (!match) return;
  const [, backend, group, title] = match as unknown as [string, string, string, string];
  const groups = results[backend] ?? {};
  results[backend] = groups;
  const counts = groups[group] ?? { passed: 0, failed: 0, unsupported: 0 };
  groups[group] = counts;
  if (state !== 'passed') counts.failed++;
  else if (title.includes('undeclared feature')) counts.unsupported++;
  else counts.passed++;
}

/** The matrix as a Markdown table: one row per group, one column per backend, and the totals. */
export function matrixTable(results: ConformanceResults): string {
  const backends = Object.keys(results).sort();
  const header = `| group | ${backends.join(' | ')} |`;
  const rule = `|---|${backends.map(() => '---').join('|')}|`;
  const rows = GROUPS.map((group) => `| ${group} | ${backends.map((b) => cell(results[b]?.[group])).join(' | ')} |`);
  const totals = `| **total** | ${backends.map((b) => cell(total(results[b] ?? {}))).join(' | ')} |`;
  return [header, rule, ...rows, totals].join('\n');
}

/** RESULTS.md: the matrix with what its cells mean. */
export function renderMatrix(results: ConformanceResults): string {
  return [
    '# Conformance results',
    '',
    'Produced by `pnpm conformance:report`. A cell counts passed tests; "unsupported" means the backend does not',
    'declare the feature and the suite checked that it fails with `UnsupportedFeatureError`.',
    '',
    matrixTable(results),
    '',
  ].join('\n');
}

function cell(counts: GroupResult | undefined): string {
  if (!counts) return 'not run';
  if (counts.failed > 0) return `❌ ${counts.failed} failed, ${counts.passed} passed`;
  if (counts.unsupported > 0)
    return `⚪ unsupported (${counts.unsupported})${counts.passed ? `, ✅ ${counts.passed}` : ''}`;
  return `✅ ${counts.passed}`;
}

function total(groups: Record<string, GroupResult>): GroupResult {
  return Object.values(groups).reduce(
    (sum, counts) => ({
      passed: sum.passed + counts.passed,
      failed: sum.failed + counts.failed,
      unsupported: sum.unsupported + counts.unsupported,
    }),
    { passed: 0, failed: 0, unsupported: 0 },
  );
}
