/**
 * Playwright waits for the app dev server (:3000); the backend (:7007) may still be starting its plugins
 * and ingesting the catalog. Wait until it reports ready and the sample catalog is in, so tests don't race it.
 */
const backend = 'http://localhost:7007';

async function poll<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 240_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`Timed out waiting for ${what}: ${String(lastError ?? '')}`);
}

export default async function globalSetup() {
  await poll('backend readiness', async () => {
    const res = await fetch(`${backend}/.backstage/health/v1/readiness`);
    return res.ok ? true : undefined;
  });
  const token = await poll('a guest token', async () => {
    const res = await fetch(
      `${backend}/api/auth/guest/refresh?env=development`,
      {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      },
    );
    return res.ok
      ? ((await res.json()).backstageIdentity.token as string)
      : undefined;
  });
  // The sample catalog and the golden-path templates, each ingested from its own location.
  for (const ref of ['component/default/checkout-service', 'template/default/node-service']) {
    await poll(`${ref} in the catalog`, async () => {
      const res = await fetch(`${backend}/api/catalog/entities/by-name/${ref}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return res.ok ? true : undefined;
    });
  }
  // The manage page's mirror of the catalog and its demo KPIs (both loaded on a schedule after start).
  await poll('the manage summary of checkout-squad', async () => {
    const res = await fetch(
      `${backend}/api/manage/teams/${encodeURIComponent('group:default/checkout-squad')}/summary`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    const body = res.ok ? await res.json() : undefined;
    return body?.owned.total > 0 && body.trend.length > 0 ? true : undefined;
  });
}
