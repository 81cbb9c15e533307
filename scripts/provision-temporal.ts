/**
 * npm install's postinstall step: fetch the pinned Temporal binaries into .cache/ now, so the first
 * `npm start` and `npm test` do not wait for them. A failure here only warns; start-up tries again and
 * explains what to do.
 */
import { findBinary, notFoundMessage, TEMPORAL_CLI, TEMPORAL_TEST_SERVER } from '../server/runtime/binaries';

for (const spec of [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]) {
  const { found, tried } = findBinary(spec);
  if (found) console.log(`marshal: ${spec.label}: ${found.path} (${found.source})`);
  else console.warn(`marshal: warning: ${notFoundMessage(spec, tried)}`);
}
