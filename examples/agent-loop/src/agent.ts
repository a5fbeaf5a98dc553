/**
 * A deterministic local stand-in for a coding agent (no network, no model): it knows a few candidate patterns, from
 * the laxest to the strictest, and proposes the first one that handles every counterexample it was shown so far.
 * A real agent call (an LLM API) would take the same arguments and return the same shape.
 */

export interface Counterexample {
  readonly input: string;
  readonly expected: boolean;
}

export interface Proposal {
  readonly pattern: string;
  readonly rationale: string;
}

const CANDIDATES: readonly Proposal[] = [
  { pattern: '^.+@.+$', rationale: 'an address is something, an @, and something' },
  { pattern: '^[^\\s@]+@[^\\s@]+$', rationale: 'no spaces and exactly one @' },
  { pattern: '^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$', rationale: 'no spaces, one @, and a domain with a dot-separated TLD' },
];

export function propose(counterexamples: readonly Counterexample[]): Proposal | undefined {
  return CANDIDATES.find((candidate) =>
    counterexamples.every((example) => new RegExp(candidate.pattern).test(example.input) === example.expected),
  );
}
