import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { entitiesByAnnotation } from './entitiesByAnnotation';
import { annotatedComponent } from './testUtils';

const ANNOTATION = 'example.com/id';
const component = annotatedComponent(ANNOTATION);

describe('entitiesByAnnotation', () => {
  it('returns annotated entities with the trimmed value, sorted by ref, blank values left out', async () => {
    const catalog = catalogServiceMock({
      entities: [
        component('zeta', ' Z1 '),
        component('alpha', 'A1'),
        component('blank', '   '),
        component('none'),
      ],
    });

    await expect(
      entitiesByAnnotation(catalog, mockServices.auth(), ANNOTATION),
    ).resolves.toEqual([
      { entityRef: 'component:default/alpha', value: 'A1' },
      { entityRef: 'component:default/zeta', value: 'Z1' },
    ]);
  });

  it("asks the catalog with the caller's own service credentials", async () => {
    const catalog = catalogServiceMock.mock({
      getEntities: jest.fn().mockResolvedValue({ items: [] }),
    });

    await entitiesByAnnotation(
      catalog,
      mockServices.auth({ pluginId: 'manage' }),
      ANNOTATION,
    );

    expect(catalog.getEntities).toHaveBeenCalledWith(
      expect.objectContaining({
        filter: { [`metadata.annotations.${ANNOTATION}`]: expect.anything() },
      }),
      { credentials: mockCredentials.service('plugin:manage') },
    );
  });
});
