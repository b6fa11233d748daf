import { parseEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useCallback } from 'react';
import { rootRouteRef } from '../routes';

/** The deep link of a team's page: `<manage mount>/group/<namespace>/<name>`. */
export function useTeamPath(): (groupRef: string) => string {
  const root = useRouteRef(rootRouteRef)();
  return useCallback(
    (groupRef: string) => {
      const { namespace, name } = parseEntityRef(groupRef);
      return `${root.replace(/\/$/, '')}/group/${encodeURIComponent(
        namespace,
      )}/${encodeURIComponent(name)}`;
    },
    [root],
  );
}
