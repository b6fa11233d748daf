import { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * The entities that carry an annotation, with its trimmed value (entities with an empty value left out), sorted
 * by ref. Reads with the caller's own service credentials: a provider collects for every entity, not for a user.
 *
 * @public
 */
export async function entitiesByAnnotation(
  catalog: CatalogService,
  auth: AuthService,
  annotation: string,
): Promise<{ entityRef: string; value: string }[]> {
  const { items } = await catalog.getEntities(
    {
      filter: { [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS },
      fields: [
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.annotations',
      ],
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  return items
    .map(entity => ({
      entityRef: stringifyEntityRef(entity),
      value: entity.metadata.annotations?.[annotation]?.trim() ?? '',
    }))
    .filter(e => e.value)
    .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
}
