import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { techMigrationsApiRef } from '../../api';
import { migrationRouteRef } from '../../routes';
import { StatusChip } from '../common';
import { FixWithTemplateButton } from '../FixWithTemplate';

/** The link to a migration's page; undefined where the app has not mounted the migrations page. */
function useMigrationLink() {
  try {
    return useRouteRef(migrationRouteRef);
  } catch {
    return undefined;
  }
}

/** The migrations this entity is in scope of, with its status and what is missing in each. */
export function EntityMigrationsCard() {
  const { entity } = useEntity();
  const api = useApi(techMigrationsApiRef);
  const migrationLink = useMigrationLink();
  const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const { value, loading, error } = useAsync(
    () => api.getEntityItems(entityRef),
    [api, entityRef],
  );

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (!value?.length)
    body = (
      <Typography variant="body2">
        Not in scope of any tech migration.
      </Typography>
    );
  else
    body = (
      <List dense>
        {value.map(item => (
          <ListItem
            key={item.migrationId}
            data-testid={`entity-migration-${item.migrationId}`}
          >
            <ListItemText
              primary={
                migrationLink ? (
                  <Link to={migrationLink({ migrationId: item.migrationId })}>
                    {item.migrationTitle}
                  </Link>
                ) : (
                  item.migrationTitle
                )
              }
              secondary={
                item.detail
                  ? `${item.detail} · target ${item.targetDate}`
                  : `target ${item.targetDate}`
              }
            />
            <ListItemSecondaryAction>
              <Box display="flex" alignItems="center" gridGap={8}>
                {item.status === 'remaining' && (
                  <FixWithTemplateButton
                    templateRef={item.fixTemplate}
                    entityRef={item.entityRef}
                  />
                )}
                <StatusChip
                  status={item.status}
                  testId={`entity-migration-status-${item.migrationId}`}
                />
              </Box>
            </ListItemSecondaryAction>
          </ListItem>
        ))}
      </List>
    );

  return <InfoCard title="Tech migrations">{body}</InfoCard>;
}
