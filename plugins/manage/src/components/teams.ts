import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { groupTitle } from '@internal/plugin-org-model-common';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

export interface TeamOption {
  ref: string;
  title: string;
  type?: string;
}

const GROUP_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.type',
  'spec.profile.displayName',
];

function toOption(entity: Entity): TeamOption {
  return {
    ref: stringifyEntityRef(entity),
    title: groupTitle(entity),
    type: entity.spec?.type as string | undefined,
  };
}

/** The groups the signed-in user is a member of, from the catalog (so the catalog's permissions apply). */
export function useMyTeams() {
  const catalogApi = useApi(catalogApiRef);
  const identityApi = useApi(identityApiRef);
  return useAsync(async () => {
    const { userEntityRef } = await identityApi.getBackstageIdentity();
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group', 'relations.hasMember': userEntityRef },
      fields: GROUP_FIELDS,
      order: { field: 'metadata.name', order: 'asc' },
    });
    return items.map(toOption);
  }, [catalogApi, identityApi]);
}

/** Every group in the organisation, for the team lookup. */
export function useAllTeams() {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: GROUP_FIELDS,
    });
    return items.map(toOption).sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi]);
}
