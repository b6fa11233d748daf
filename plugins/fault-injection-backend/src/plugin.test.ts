import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { faultInjectionPlugin } from './plugin';

describe('fault-injection plugin', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  it('answers 500 on GET /api/fault-injection/fail', async () => {
    const { server } = await startTestBackend({
      features: [faultInjectionPlugin],
    });
    const res = await request(server).get('/api/fault-injection/fail');
    expect(res.status).toBe(500);
    expect(res.body.error.message).toBe('Injected failure');
  });

  it('refuses to start with NODE_ENV=production', async () => {
    process.env.NODE_ENV = 'production';
    await expect(
      startTestBackend({ features: [faultInjectionPlugin] }),
    ).rejects.toThrow(
      'The fault-injection plugin is for tests and must not run in production',
    );
  });
});
