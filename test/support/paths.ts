import { join } from 'node:path';

/** The repository's top folder, for tests that read its files or run its commands. */
export const repoRoot = join(__dirname, '..', '..');
