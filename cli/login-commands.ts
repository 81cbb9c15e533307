/**
 * `marshal login`: a personal token without pasting one. Marshal hands out a device code (kept here) and a
 * user code (shown to the person); the person opens the console, signs in however the console signs people
 * in, and allows this machine; the next poll receives a personal token, saved in the credentials file.
 * `marshal signin-link <person>` (admins): a one-time console sign-in link for someone.
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { Api } from './api';
import type { Context } from './commands';
import { credentialsPath, forgetLogin, saveLogin, savedLogin } from './credentials';
import { CliError, EXIT } from './exit';
import { when } from './format';

interface Started {
  deviceCode: string;
  userCode: string;
  verificationUriComplete: string;
  expiresIn: number;
  interval: number;
}

interface Issued {
  status: 'approved';
  token: string;
  id: string;
  person: string;
  expiresAt: string;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export function registerLoginCommands(program: Command, contextOf: (command: Command) => Context, urlOf: (command: Command) => string): void {
  program
    .command('login')
    .description('get a personal token by approving this machine in the console (saved for later commands)')
    .option('--host <name>', 'how this machine is named on the approval page', hostname())
    .action(async (options: { host: string }, command: Command) => {
      const url = urlOf(command);
      const json = Boolean(command.optsWithGlobals().json);
      // No credential yet, on purpose: the point is to get one.
      const api = new Api({ url });
      const started = (await api.post<Started>('/api/v1/cli-login', { host: String(options.host).slice(0, 100) })).body;
      const say = (text: string) => process.stderr.write(`${text}\n`);
      say(`To let this CLI act as you, open\n\n  ${started.verificationUriComplete}\n\nsign in, check that the page shows the code ${started.userCode}, and press Allow.`);
      say(`Waiting for approval (the code expires in ${Math.round(started.expiresIn / 60)} minutes)…`);
      const deadline = Date.now() + started.expiresIn * 1000;
      let issued: Issued | undefined;
      while (!issued) {
        if (Date.now() > deadline) throw new CliError(EXIT.auth, 'nobody approved the login within 10 minutes; run marshal login again');
        await sleep(Math.max(1, started.interval) * 1000);
        try {
          const answer = await api.post<Issued | { status: 'pending' }>('/api/v1/cli-login/token', { deviceCode: started.deviceCode });
          if (answer.status === 200 && answer.body.status === 'approved') issued = answer.body as Issued;
        } catch (error) {
          // Marshal briefly away: keep asking until the code expires; a refusal ends the login.
          if (error instanceof CliError && error.exitCode === EXIT.unavailable) continue;
          if (error instanceof CliError) throw new CliError(EXIT.auth, `login refused: ${error.message}`);
          throw error;
        }
      }
      const path = credentialsPath();
      saveLogin(url, { token: issued.token, person: issued.person, expiresAt: issued.expiresAt, tokenId: issued.id }, path);
      const summary = { person: issued.person, tokenId: issued.id, expiresAt: issued.expiresAt, savedIn: path };
      process.stdout.write(json ? `${JSON.stringify(summary)}\n` : `Logged in as ${issued.person}. Token ${issued.id} (expires ${when(issued.expiresAt)}) saved in ${path}.\n`);
    });

  program
    .command('logout')
    .description('revoke the token marshal login saved for this URL and forget it')
    .action(async (_options: unknown, command: Command) => {
      const url = urlOf(command);
      const saved = savedLogin(url);
      if (!saved) return void process.stdout.write(`No login saved for ${url} in ${credentialsPath()}.\n`);
      try {
        await new Api({ url, token: saved.token }).delete(`/api/v1/tokens/${encodeURIComponent(saved.tokenId)}`);
      } catch (error) {
        // Already revoked or expired (401): forgetting it is all that is left to do. Anything else, keep it.
        if (!(error instanceof CliError && error.exitCode === EXIT.auth)) throw error;
      }
      forgetLogin(url);
      process.stdout.write(`Logged out: token ${saved.tokenId} of ${saved.person} revoked and removed from ${credentialsPath()}.\n`);
    });

  program
    .command('signin-link')
    .description('issue a person a one-time console sign-in link, valid 24 h (admins)')
    .argument('<person>', 'the person, by their id in policy')
    .action(async (person: string, _options: unknown, command: Command) => {
      const context = contextOf(command);
      const answer = await context.api.post<{ person: string; url: string; expiresAt: string }>('/api/v1/sign-in-links', { person });
      process.stdout.write(
        context.json ? `${answer.text}\n` : `Send this to ${answer.body.person}; it signs them in once, until ${when(answer.body.expiresAt)}, and is shown only now:\n${answer.body.url}\n`,
      );
    });
}
