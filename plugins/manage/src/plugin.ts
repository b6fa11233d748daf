import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { manageApiRef, ManageClient } from './api';
import { rootRouteRef } from './routes';
import type { ManagePageProps } from './components/ManagePage';

/** @public */
export const managePlugin = createPlugin({
  id: 'manage',
  apis: [
    createApiFactory({
      api: manageApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ManageClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The personal home page: my teams, what they own and their KPIs. Deep links per team under
 * `<mount>/group/:namespace/:name`. `teamCards` are extra cards shown for the selected team (e.g. the tech
 * migrations plugin's open items), so no plugin depends on another.
 *
 * @public
 */
export const ManagePage: (props: ManagePageProps) => JSX.Element =
  managePlugin.provide(
    createRoutableExtension({
      name: 'ManagePage',
      component: () =>
        import('./components/ManagePage').then(m => m.ManagePage),
      mountPoint: rootRouteRef,
    }),
  );
