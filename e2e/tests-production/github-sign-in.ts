/**
 * GitHub OAuth through the stand-in without a browser, as the popup does it: /api/auth/github/start sets the nonce
 * cookie and redirects to the stand-in's authorize page, which (with ?login=) redirects back to the handler frame;
 * the frame's HTML carries the result the popup posts to the app: a Backstage identity or an error.
 */
export async function githubSignIn(
  base: string,
  login: string,
): Promise<{ token?: string; error?: { name: string; message: string } }> {
  const start = await fetch(
    `${base}/api/auth/github/start?env=production&scope=read:user`,
    { redirect: 'manual' },
  );
  if (start.status !== 302)
    throw new Error(`github start answered ${start.status}`);
  // The start also clears legacy cookies (empty values, expired): keep the last value set for each name.
  const jar = new Map<string, string>();
  for (const c of start.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const [name, value] = [
      pair.slice(0, pair.indexOf('=')),
      pair.slice(pair.indexOf('=') + 1),
    ];
    if (value) jar.set(name, value);
  }
  const cookie = [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
  const authorize = new URL(start.headers.get('location')!);
  authorize.searchParams.set('login', login);
  const approved = await fetch(authorize, { redirect: 'manual' });
  if (approved.status !== 302)
    throw new Error(`stand-in authorize answered ${approved.status}`);
  const frame = await fetch(approved.headers.get('location')!, {
    headers: { cookie },
    redirect: 'manual',
  });
  const html = await frame.text();
  const match = html.match(/decodeURIComponent\('([^']*)'\)/);
  if (!match)
    throw new Error(`unexpected handler frame: ${html.slice(0, 300)}`);
  const message = JSON.parse(decodeURIComponent(match[1]));
  return message.error
    ? { error: message.error }
    : { token: message.response.backstageIdentity.token };
}
