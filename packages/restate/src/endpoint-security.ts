/** True for a host only this machine can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The warning for an endpoint that listens beyond loopback without request identity keys (any Restate server that
 * registers it could run invocations in this process), naming what to set; `undefined` when there is no such risk.
 */
export function endpointWarning(host: string, identityKeys: readonly string[]): string | undefined {
  if (identityKeys.length > 0 || isLoopback(host)) return undefined;
  return (
    `durable-runtime: the Restate endpoint listens on ${host} without request identity keys: any Restate server that ` +
    'registers it can run invocations in this process. Set RESTATE_IDENTITY_KEYS (identityKeys) to the public key of ' +
    'your Restate server, or bind the endpoint to loopback (RESTATE_ENDPOINT_HOST=127.0.0.1).'
  );
}
