import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createRegisterIdempotentAction } from './registerIdempotent';

type AddLocationRequest = Parameters<CatalogService['addLocation']>[0];
type Location = Awaited<
  ReturnType<CatalogService['getLocations']>
>['items'][number];

const url = 'https://git.localhost/demo-svc/blob/main/catalog-info.yaml';
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'demo-svc', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/devex-squad' },
};
const location: Location = {
  id: 'loc-1',
  type: 'url',
  target: url,
  entityRef: 'location:default/generated-1',
};

describe('catalog:register:idempotent', () => {
  // The task state of one task, shared by its runs as the scaffolder's database keeps it: a recovered task's
  // re-run finds the checkpoints its earlier run recorded.
  let checkpoints: Map<string, unknown>;
  let catalog: ReturnType<typeof catalogServiceMock.mock>;

  beforeEach(() => {
    checkpoints = new Map();
    catalog = catalogServiceMock.mock({
      addLocation: jest.fn(async (request: AddLocationRequest) =>
        request.dryRun
          ? { location, entities: [component], exists: false }
          : { location, entities: [] as Entity[] },
      ),
      getLocations: jest.fn(async () => ({ items: [] })),
      getEntityByRef: jest.fn(async () => component),
    });
  });

  function context() {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      input: { catalogInfoUrl: url },
      logger,
    });
    ctx.checkpoint = (async ({ key, fn }: any) => {
      if (checkpoints.has(key)) return checkpoints.get(key);
      const value = await fn();
      checkpoints.set(key, value);
      return value;
    }) as typeof ctx.checkpoint;
    return { ctx, logger };
  }

  /** The action's outputs name the component and its URL, and the checkpoint holds the component's ref. */
  function expectRegisteredAndCheckpointed(
    ctx: ReturnType<typeof context>['ctx'],
  ) {
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/demo-svc',
    );
    expect(ctx.output).toHaveBeenCalledWith('catalogInfoUrl', url);
    expect([...checkpoints.entries()]).toEqual([
      [`catalog-register.${url}`, 'component:default/demo-svc'],
    ]);
  }

  const realAdds = () =>
    catalog.addLocation.mock.calls.filter(([request]) => !request.dryRun);

  it('validates with a dry run, then registers the location once, on behalf of the user', async () => {
    const { ctx } = context();
    await createRegisterIdempotentAction(catalog).handler(ctx);

    expect(catalog.addLocation.mock.calls).toEqual([
      [
        { type: 'url', target: url, dryRun: true },
        { credentials: mockCredentials.user() },
      ],
      [{ type: 'url', target: url }, { credentials: mockCredentials.user() }],
    ]);
    expectRegisteredAndCheckpointed(ctx);
  });

  it('registers nothing new when a re-run of the task finds its checkpoint', async () => {
    const action = createRegisterIdempotentAction(catalog);
    await action.handler(context().ctx);
    catalog.addLocation.mockClear();
    catalog.getLocations.mockClear();

    const { ctx, logger } = context();
    await action.handler(ctx);

    expect(catalog.addLocation).not.toHaveBeenCalled();
    expect(catalog.getLocations).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(
      `${url} was registered by an earlier run of this task; not registering again`,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/demo-svc',
    );
  });

  it('does not add a location that already exists (a crash before the checkpoint was saved)', async () => {
    catalog.getLocations.mockResolvedValue({ items: [location] });
    const { ctx, logger } = context();
    await createRegisterIdempotentAction(catalog).handler(ctx);

    expect(realAdds()).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      `${url} is already registered (location loc-1)`,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/demo-svc',
    );
  });

  it('a location with the same target of another type does not count', async () => {
    catalog.getLocations.mockResolvedValue({
      items: [{ ...location, id: 'loc-2', type: 'file' }],
    });
    await createRegisterIdempotentAction(catalog).handler(context().ctx);
    expect(realAdds()).toHaveLength(1);
  });

  it('says what the catalog objected to when the dry run fails, and leaves no location or checkpoint', async () => {
    catalog.addLocation.mockRejectedValue(
      Object.assign(new Error('Request failed with 400 Bad Request'), {
        body: { error: { message: 'Policy check failed for component:demo' } },
      }),
    );
    const { ctx } = context();
    const run = createRegisterIdempotentAction(catalog).handler(ctx);

    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      `The catalog refused ${url}: Policy check failed for component:demo`,
    );
    expect(realAdds()).toEqual([]);
    expect(checkpoints.size).toBe(0);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('falls back to the error itself when the catalog gives no reason', async () => {
    catalog.addLocation.mockRejectedValue(new Error('socket hang up'));
    await expect(
      createRegisterIdempotentAction(catalog).handler(context().ctx),
    ).rejects.toThrow(`The catalog refused ${url}: Error: socket hang up`);
  });

  it('passes on a failure of the registration itself unchanged', async () => {
    catalog.addLocation.mockImplementation(
      async (request: AddLocationRequest) => {
        if (request.dryRun) return { location, entities: [component] };
        throw new ConflictError(`Location ${url} already exists`);
      },
    );
    const run = createRegisterIdempotentAction(catalog).handler(context().ctx);
    await expect(run).rejects.toThrow(ConflictError);
    await expect(run).rejects.toThrow(`Location ${url} already exists`);
    expect(checkpoints.size).toBe(0);
  });

  it('outputs no entity ref when the file holds only generated entities', async () => {
    catalog.addLocation.mockImplementation(
      async (request: AddLocationRequest) => ({
        location,
        entities: request.dryRun
          ? [{ ...component, metadata: { name: 'generated-abc123' } }]
          : [],
      }),
    );
    const { ctx } = context();
    await createRegisterIdempotentAction(catalog).handler(ctx);
    expect((ctx.output as jest.Mock).mock.calls).toEqual([
      ['catalogInfoUrl', url],
    ]);
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
  });

  describe('a recovered task, against a catalog that keeps its locations', () => {
    // The catalog as the task sees it across a crash: locations persist, and adding one that exists is a 409 as in
    // the real catalog-backend.
    let stored: Location[];
    beforeEach(() => {
      stored = [];
      catalog.addLocation.mockImplementation(
        async (request: AddLocationRequest) => {
          if (request.dryRun) return { location, entities: [component] };
          if (stored.some(l => l.target === request.target)) {
            throw new ConflictError(
              `Location ${request.target} already exists`,
            );
          }
          const added = { ...location, id: `loc-${stored.length + 1}` };
          stored.push(added);
          return { location: added, entities: [] };
        },
      );
      catalog.getLocations.mockImplementation(async () => ({ items: stored }));
    });

    /** A run killed after the step's work and before the scaffolder saved its checkpoint (kill -9). */
    function crashingBeforeTheCheckpointIsSaved() {
      const { ctx } = context();
      ctx.checkpoint = (async ({ fn }: any) => {
        await fn();
        throw new Error('killed before the checkpoint was saved');
      }) as typeof ctx.checkpoint;
      return ctx;
    }

    it('registered, crashed before the checkpoint was saved: the re-run ends with exactly one location', async () => {
      const action = createRegisterIdempotentAction(catalog);
      await expect(
        action.handler(crashingBeforeTheCheckpointIsSaved()),
      ).rejects.toThrow('killed before the checkpoint was saved');
      expect(stored).toHaveLength(1);
      expect(checkpoints.size).toBe(0);

      const { ctx, logger } = context();
      await action.handler(ctx);

      expect(stored.map(l => [l.type, l.target])).toEqual([['url', url]]);
      expect(realAdds()).toHaveLength(1);
      expect(logger.info).toHaveBeenCalledWith(
        `${url} is already registered (location loc-1)`,
      );
      expectRegisteredAndCheckpointed(ctx);
    });

    it('a third run after the checkpoint was saved asks the catalog nothing and still has one location', async () => {
      const action = createRegisterIdempotentAction(catalog);
      await expect(
        action.handler(crashingBeforeTheCheckpointIsSaved()),
      ).rejects.toThrow();
      await action.handler(context().ctx);
      catalog.addLocation.mockClear();

      const { ctx } = context();
      await action.handler(ctx);

      expect(catalog.addLocation).not.toHaveBeenCalled();
      expect(stored).toHaveLength(1);
      expect(ctx.output).toHaveBeenCalledWith(
        'entityRef',
        'component:default/demo-svc',
      );
    });
  });

  describe('test pause', () => {
    const pause = { seconds: 0.01, template: 'template:default/crash-probe' };
    const withTemplate = (entityRef: string) => {
      const c = context();
      c.ctx.templateInfo = { entityRef };
      return c;
    };
    const pauseMessage =
      'Test pause: catalog:register:idempotent waits 0.01 s after its side effect, before its step completes';

    it('waits after the side effect in tasks of the configured template only', async () => {
      const action = createRegisterIdempotentAction(catalog, pause);
      const other = withTemplate('template:default/service');
      await action.handler(other.ctx);
      expect(other.logger.warn).not.toHaveBeenCalled();

      checkpoints.clear();
      const probe = withTemplate(pause.template);
      await action.handler(probe.ctx);
      expect(probe.logger.warn).toHaveBeenCalledWith(pauseMessage);
    });

    it('does not wait when the re-run took its checkpoint (nothing was done)', async () => {
      const action = createRegisterIdempotentAction(catalog, pause);
      await action.handler(withTemplate(pause.template).ctx);
      const rerun = withTemplate(pause.template);
      await action.handler(rerun.ctx);
      expect(rerun.logger.warn).not.toHaveBeenCalled();
    });

    it('is off without the config', async () => {
      const probe = withTemplate(pause.template);
      await createRegisterIdempotentAction(catalog).handler(probe.ctx);
      expect(probe.logger.warn).not.toHaveBeenCalled();
    });
  });
});
