/** A cookie-keeping form client for the console over real HTTP (no redirects followed, so tests see them). */
export interface ConsoleAnswer {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
}

export function consoleClient(baseUrl: string) {
  const jar = new Map<string, string>();
  const remember = (headers: Headers) => {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (/Max-Age=0/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  };
  const cookie = () => [...jar.entries()].map(([name, value]) => `${name}=${value}`).join('; ');
  const send = async (method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<ConsoleAnswer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(jar.size ? { Cookie: cookie() } : {}), ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    remember(response.headers);
    return { status: response.status, location: response.headers.get('location'), html: await response.text(), headers: response.headers };
  };
  const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  return {
    jar,
    get: (path: string) => send('GET', path),
    post: (path: string, form: Record<string, string>) => send('POST', path, form),
    hidden,
    async signIn(token: string, name = 'Console Tester') {
      const login = await send('GET', '/console/login');
      const answer = await send('POST', '/console/login', { _login: hidden(login.html, '_login') ?? '', name, token, next: '/console' });
      const list = await send('GET', '/console');
      return { answer, csrf: hidden(list.html, '_csrf') ?? '' };
    },
  };
}
