/**
 * The optional features of the API. A backend declares which ones it provides; the conformance suite checks both
 * ways: a declared feature must pass its tests, an undeclared one must fail with `UnsupportedFeatureError`.
 */
export const FEATURES = [
  'steps',
  'stepTimeouts',
  'timers',
  'promises',
  'state',
  'messages',
  'children',
  'delayedStart',
  'cancellation',
  'determinism',
] as const;

export type Feature = (typeof FEATURES)[number];

/** What a backend provides, feature by feature. */
export type Capabilities = { readonly [F in Feature]: boolean };

/** Every feature declared: what a complete backend provides. */
export const ALL_CAPABILITIES: Capabilities = Object.freeze(
  Object.fromEntries(FEATURES.map((feature) => [feature, true])) as Record<Feature, boolean>,
);
