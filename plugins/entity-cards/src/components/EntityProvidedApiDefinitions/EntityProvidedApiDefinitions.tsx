import { RELATION_PROVIDES_API } from '@backstage/catalog-model';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityApiDefinitionCard } from '@backstage/plugin-api-docs';
import {
  EntityProvider,
  useEntity,
  useRelatedEntities,
} from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';

/** The definition (OpenAPI, AsyncAPI, GraphQL…) of every API the entity provides, rendered one below the other. */
export const EntityProvidedApiDefinitions = () => {
  const { entity } = useEntity();
  const { entities, loading, error } = useRelatedEntities(entity, {
    type: RELATION_PROVIDES_API,
  });
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!entities?.length) {
    return (
      <EmptyState
        missing="data"
        title="No provided APIs"
        description="This component provides no API."
      />
    );
  }
  return (
    <Grid container spacing={3}>
      {entities.map(api => (
        <Grid item xs={12} key={api.metadata.name}>
          <EntityProvider entity={api}>
            <EntityApiDefinitionCard />
          </EntityProvider>
        </Grid>
      ))}
    </Grid>
  );
};
