import { Entity } from '@backstage/catalog-model';

/**
 * A factory of Component entities for a provider's catalog stand-in: `component(name, value)` carries
 * `annotation: value`, `component(name)` carries no annotations at all.
 *
 * @public
 */
export function annotatedComponent(
  annotation: string,
): (name: string, value?: string) => Entity {
  return (name, value) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      ...(value !== undefined && { annotations: { [annotation]: value } }),
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  });
}
