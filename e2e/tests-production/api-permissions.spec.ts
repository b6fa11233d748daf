import { githubSignIn } from './github-sign-in';
import { backendUrl, expect, test } from './fixtures';

/**
 * Writes of our plugins' push APIs are for CI and admins: a signed-in member is refused with 403, the CI token's
 * write is stored; the CI token is scoped to those APIs and refused by the catalog and the scaffolder.
 */
const ci = () => ({ Authorization: `Bearer ${process.env.PROD_E2E_CI_TOKEN}` });
const month = new Date().toISOString().slice(0, 7);
const kpis = {
  samples: [
    {
      entityRef: 'group:default/checkout',
      kpi: 'incidents',
      period: month,
      value: 3,
    },
  ],
};
const facts = {
  entities: [
    {
      entityRef: 'component:default/checkout-service',
      facts: { nodeVersion: '22.11.0' },
    },
  ],
};

async function post(
  path: string,
  headers: Record<string, string>,
  body: unknown,
) {
  return fetch(`${backendUrl()}${path}`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test("a member's KPI and fact writes are refused (403)", async () => {
  const { token } = await githubSignIn(backendUrl(), 'bob');
  const bob = { Authorization: `Bearer ${token}` };
  expect((await post('/api/manage/kpis', bob, kpis)).status).toBe(403);
  expect((await post('/api/tech-migrations/facts', bob, facts)).status).toBe(
    403,
  );
});

test("the CI token's KPI and fact writes succeed", async () => {
  const kpiRes = await post('/api/manage/kpis', ci(), kpis);
  expect(kpiRes.status).toBe(201);
  expect((await kpiRes.json()).stored).toBe(1);
  const factRes = await post('/api/tech-migrations/facts', ci(), facts);
  expect(factRes.status, await factRes.clone().text()).toBeLessThan(300);
  expect((await factRes.json()).stored).toBe(1);
});

test('the CI token is refused on catalog writes and by the scaffolder (403)', async () => {
  const location = await post('/api/catalog/locations', ci(), {
    type: 'url',
    target:
      'https://github.com/example-org/anything/blob/main/catalog-info.yaml',
  });
  expect(location.status).toBe(403);
  const refresh = await post('/api/catalog/refresh', ci(), {
    entityRef: 'component:default/checkout-service',
  });
  expect(refresh.status).toBe(403);
  const task = await post('/api/scaffolder/v2/tasks', ci(), {
    templateRef: 'template:default/node-service',
    values: {},
  });
  expect(task.status).toBe(403);
});
