import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigSources } from '@backstage/config-loader';
import { AppConfig } from '@backstage/config';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import proxyPlugin from '@backstage/plugin-proxy-backend';

// The proxy endpoints exactly as app-config.yaml (and the production layer) define them, pointed at a local upstream.
const root = path.resolve(__dirname, '../../..');
const secretToken = 'pd-secret-token-value-123';

async function readProxyConfig(
  files: string[],
  upstream: string,
): Promise<AppConfig> {
  const env: Record<string, string> = {
    PAGERDUTY_API_URL: upstream,
    PAGERDUTY_TOKEN: secretToken,
    METRICS_API_URL: upstream,
    METRICS_API_TOKEN: 'metrics-secret',
  };
  const source = ConfigSources.defaultForTargets({
    rootDir: root,
    targets: files.map(f => ({
      type: 'path' as const,
      target: path.join(root, f),
    })),
    substitutionFunc: async name => env[name] ?? `env-${name}`,
  });
  for await (const { configs } of source.readConfigData()) {
    const proxy = configs.reverse().find(c => c.data.proxy)!;
    return { context: 'proxy', data: { proxy: proxy.data.proxy } };
  }
  throw new Error('no config');
}

describe('proxy endpoints from app-config', () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  const received: Array<{
    method?: string;
    url?: string;
    authorization?: string;
  }> = [];
  const logged: string[] = [];

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      received.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ incidents: [{ id: 'P1' }] }));
    });
    await new Promise<void>(resolve =>
      upstream.listen(0, '127.0.0.1', resolve),
    );
    upstreamUrl = `http://127.0.0.1:${
      (upstream.address() as AddressInfo).port
    }`;
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      jest
        .spyOn(stream, 'write')
        .mockImplementation((chunk: any, ...args: any[]) => {
          logged.push(String(chunk));
          return write(chunk, ...args);
        });
    }
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await new Promise(resolve => upstream.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
  });

  async function startProxy(files: string[], anonymous = false) {
    const { server } = await startTestBackend({
      features: [
        proxyPlugin,
        mockServices.rootConfig.factory({
          data: (await readProxyConfig(files, upstreamUrl)).data,
        }),
        mockServices.rootLogger.factory({ level: 'debug' }),
        ...(anonymous
          ? [
              mockServices.httpAuth.factory({
                defaultCredentials: mockCredentials.none(),
              }),
            ]
          : []),
      ],
    });
    return server;
  }

  it('passes GET with the credential injected, and never returns the credential', async () => {
    const server = await startProxy(['app-config.yaml']);
    const res = await request(server).get('/api/proxy/pagerduty/incidents');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ incidents: [{ id: 'P1' }] });
    expect(received).toEqual([
      {
        method: 'GET',
        url: '/incidents',
        authorization: `Token token=${secretToken}`,
      },
    ]);
    expect(JSON.stringify(res.headers) + res.text).not.toContain(secretToken);
  });

  it.each(['post', 'put', 'delete', 'patch'] as const)(
    'refuses %s without reaching the upstream',
    async method => {
      const server = await startProxy(['app-config.yaml']);
      const res = await request(server)
        [method]('/api/proxy/pagerduty/incidents')
        .send({ title: 'x' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(received).toEqual([]);
    },
  );

  it('refuses unauthenticated callers under the production config', async () => {
    const server = await startProxy(
      ['app-config.yaml', 'app-config.production.yaml'],
      true,
    );
    for (const endpoint of ['pagerduty', 'metrics']) {
      expect(
        (await request(server).get(`/api/proxy/${endpoint}/anything`)).status,
      ).toBe(401);
    }
    expect(received).toEqual([]);
  });

  it('never writes the credential to a log line', () => {
    expect(logged.join('')).not.toContain(secretToken);
    expect(logged.length).toBeGreaterThan(0);
  });
});
