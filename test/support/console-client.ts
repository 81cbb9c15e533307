/**
 * A console session over plain HTTP, as a browser without JavaScript would hold it: cookies kept between
 * requests, each form's CSRF token read from the page it came on. Signs in with a one-time sign-in link or
 * the admin token (the embedded default, no identity provider).
 */
export interface ConsoleClient {
  cookie: string;
  get(path: string): Promise<{ status: number; text: string; location: string | null }>;
  /** Post a form; the CSRF token of the last page read is added unless `_csrf` is given. */
  post(path: string, form?: Record<string, string>): Promise<{ status: number; text: string; location: string | null }>;
}

const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];

export function consoleClient(baseUrl: string): ConsoleClient {
  const jar = new Map<string, string>();
  let csrf: string | undefined;
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value === '' || /Max-Age=0\b/.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
  };
  const client: ConsoleClient = {
    get cookie() {
      return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    },
    async get(path) {
      const response = await fetch(`${baseUrl}${path}`, { headers: { cookie: client.cookie }, redirect: 'manual' });
      keep(response);
      const text = await response.text();
      csrf = hidden(text, '_csrf') ?? csrf;
      return { status: response.status, text, location: response.headers.get('location') };
    },
    async post(path, form = {}) {
      const body = new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), ...form });
      const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { cookie: client.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
      keep(response);
      const text = await response.text();
      csrf = hidden(text, '_csrf') ?? csrf;
      return { status: response.status, text, location: response.headers.get('location') };
    },
  };
  return client;
}

/** Open a one-time sign-in link and press its button, as the person it was issued to. */
export async function signInWithLink(baseUrl: string, link: string): Promise<ConsoleClient> {
  const client = consoleClient(baseUrl);
  const path = link.slice(baseUrl.length);
  const page = await client.get(path);
  if (page.status !== 200) throw new Error(`the link answered ${page.status}: ${page.text.slice(0, 300)}`);
  const done = await client.post(path, { _login: hidden(page.text, '_login') ?? '' });
  if (done.status !== 303) throw new Error(`signing in with the link answered ${done.status}: ${done.text.slice(0, 300)}`);
  await client.get('/console');
  return client;
}

/** The embedded default's way in: the admin token and a typed name. */
export async function signInWithAdminToken(baseUrl: string, token: string, name = 'the-admin'): Promise<ConsoleClient> {
  const client = consoleClient(baseUrl);
  const page = await client.get('/console/login');
  const done = await client.post('/console/login', { _login: hidden(page.text, '_login') ?? '', name, token, next: '/console' });
  if (done.status !== 303) throw new Error(`admin-token sign-in answered ${done.status}`);
  await client.get('/console');
  return client;
}
