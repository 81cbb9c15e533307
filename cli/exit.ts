/**
 * Exit codes scripts can rely on. They are part of the CLI's contract (printed in `marshal --help`),
 * so a number never changes meaning once released.
 */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  rejected: 5,
  auth: 6,
  unavailable: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  unexpected error
  2  usage error (unknown command or option, missing argument, unreadable file)
  3  not found (404): no such incident or action item
  4  conflict (409): the lifecycle refuses the command now, e.g. already acknowledged
  5  rejected input (400, 413, 415, 422): the server named what was wrong
  6  authentication failed (401, 403): check --token / MARSHAL_TOKEN
  7  server unavailable (502, 503, 504, connection refused, timeout): retry later`;

/** A failure the CLI explains in one line and turns into its exit code; never printed with a stack. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status === 400 || status === 413 || status === 415 || status === 422) return EXIT.rejected;
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 502 || status === 503 || status === 504) return EXIT.unavailable;
  return EXIT.unexpected;
}
