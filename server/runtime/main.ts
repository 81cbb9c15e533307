/** `npm start`: run Marshal until Ctrl-C, then stop HTTP, the worker and the embedded engine in order. */
import { configFromEnv, startStack, type AdminTokenOrigin } from './stack';

async function main() {
  const started = Date.now();
  // A worker that died stops all paging: stop everything (the embedded engine too) and exit non-zero so
  // a supervisor (systemd, Kubernetes, a shell loop) starts Marshal again.
  const onWorkerFailure = () => {
    console.error('marshal: the worker stopped on a fatal error; exiting so Marshal can be restarted');
    void stack.stop().finally(() => process.exit(70));
  };
  const stack = await startStack({ ...configFromEnv(), onWorkerFailure });
  console.log(
    [
      '',
      `Marshal is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      `  API:          ${stack.url}/api/v1/incidents`,
      `  Temporal:     ${stack.temporalAddress}`,
      ...(stack.temporalUiUrl ? [`  Temporal UI:  ${stack.temporalUiUrl}`] : []),
      // The token is printed once, when it is created; later starts say where it is, so it does not end up
      // in every log that keeps the console output.
      `  Admin token:  ${tokenLine(stack.tokenOrigin, stack.token)}`,
      `  Console:      ${stack.url}/console (${process.env.MARSHAL_OIDC_ISSUER ? 'sign in through your identity provider' : 'sign in with the admin token'})`,
      `  Policy:       ${stack.policies.current.version}`,
      `Try: curl -H "Authorization: Bearer ${stack.tokenOrigin.kind === 'created' ? stack.token : '$(cat <admin-token file>)'}" ${stack.url}/api/v1/incidents`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Marshal…`);
    await stack.stop();
    console.log('Marshal stopped. Incidents are kept in the data dir for the next start.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function tokenLine(origin: AdminTokenOrigin, token: string): string {
  if (origin.kind === 'created') return `${token} (new; saved in ${origin.path})`;
  if (origin.kind === 'saved') return `saved in ${origin.path}`;
  return 'from MARSHAL_TOKEN';
}

main().catch((error: Error) => {
  console.error(`marshal: could not start: ${error.message}`);
  process.exit(1);
});
