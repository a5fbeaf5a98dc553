import { ConfigError, loadConfig } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { endpointWarning } from '../src/endpoint-security.js';

test('an endpoint beyond loopback without identity keys gets a warning that says what to set', () => {
  for (const host of ['0.0.0.0', '10.1.2.3', 'worker.internal', '::']) {
    const warning = endpointWarning(host, []);
    expect(warning, host).toContain(host);
    expect(warning, host).toContain('RESTATE_IDENTITY_KEYS');
    expect(warning, host).toContain('RESTATE_ENDPOINT_HOST=127.0.0.1');
  }
  for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '::1'])
    expect(endpointWarning(host, []), host).toBeUndefined();
  expect(endpointWarning('0.0.0.0', ['publickeyv1_abc'])).toBeUndefined();
});

test('RESTATE_IDENTITY_KEYS is read by loadConfig: a comma-separated list, each key checked', () => {
  const env = { DURABLE_BACKEND: 'restate', RESTATE_IDENTITY_KEYS: 'publickeyv1_one, publickeyv1_two' };
  expect(loadConfig(env)).toMatchObject({ identityKeys: ['publickeyv1_one', 'publickeyv1_two'] });
  expect(loadConfig({ DURABLE_BACKEND: 'restate' })).toMatchObject({ identityKeys: [] });
  const error = (() => {
    try {
      return loadConfig({ DURABLE_BACKEND: 'restate', RESTATE_IDENTITY_KEYS: 'not-a-key' });
    } catch (e) {
      return e;
    }
  })();
  expect(ConfigError.is(error), String(error)).toBe(true);
  expect((error as Error).message).toContain('RESTATE_IDENTITY_KEYS');
});
