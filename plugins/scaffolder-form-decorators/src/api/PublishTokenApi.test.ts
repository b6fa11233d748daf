import { mockApis } from '@backstage/test-utils';
import { PublishTokenClient } from './PublishTokenApi';

function client(response: Response) {
  const fetchApi = { fetch: jest.fn(async () => response) };
  const githubAuthApi = {
    getAccessToken: jest.fn(async () => 'github-token'),
  } as any;
  return {
    api: new PublishTokenClient({
      discoveryApi: mockApis.discovery(),
      fetchApi,
      githubAuthApi,
    }),
    fetchApi,
    githubAuthApi,
  };
}

describe('PublishTokenClient', () => {
  it('uses the local git token where the backend offers one', async () => {
    const { api, fetchApi, githubAuthApi } = client(
      new Response(JSON.stringify({ token: 'local-token' })),
    );
    await expect(api.getPublishToken()).resolves.toBe('local-token');
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'http://example.com/api/scaffolder/local-git/publish-token',
    );
    expect(githubAuthApi.getAccessToken).not.toHaveBeenCalled();
  });

  it("falls back to the user's GitHub token where there are no local remotes", async () => {
    const { api, githubAuthApi } = client(new Response('', { status: 404 }));
    await expect(api.getPublishToken()).resolves.toBe('github-token');
    expect(githubAuthApi.getAccessToken).toHaveBeenCalledWith(['repo']);
  });

  it('reports other failures', async () => {
    const { api } = client(
      new Response('{"error":{"name":"Error","message":"boom"}}', {
        status: 500,
      }),
    );
    await expect(api.getPublishToken()).rejects.toThrow(/500/);
  });
});
