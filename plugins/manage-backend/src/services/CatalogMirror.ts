import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_CHILD_OF,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ManageStore,
  MirroredEntity,
  MirroredGroup,
} from '../database/ManageStore';

/** The kinds a team can own and the manage page lists. */
export const OWNABLE_KINDS = [
  'Component',
  'API',
  'System',
  'Resource',
  'Domain',
];

const PAGE_SIZE = 500;

/**
 * Copies the catalog's group tree and ownership into the plugin's tables. It reads with the plugin's own
 * service credentials (the whole catalog); what a user may see is decided at read time, per request.
 */
export class CatalogMirror {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly store: ManageStore,
    private readonly logger: LoggerService,
  ) {}

  async sync(): Promise<{ groups: number; entities: number }> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const groups: MirroredGroup[] = [];
    for await (const entity of this.query(['Group'], credentials)) {
      groups.push({
        groupRef: stringifyEntityRef(entity),
        parentRef: targetOf(entity, RELATION_CHILD_OF),
        title:
          (entity.spec?.profile as { displayName?: string } | undefined)
            ?.displayName ??
          entity.metadata.title ??
          entity.metadata.name,
        type: entity.spec?.type as string | undefined,
      });
    }
    const entities: MirroredEntity[] = [];
    for await (const entity of this.query(OWNABLE_KINDS, credentials)) {
      const ownerRef = targetOf(entity, RELATION_OWNED_BY);
      if (!ownerRef) continue;
      entities.push({
        entityRef: stringifyEntityRef(entity),
        kind: entity.kind,
        type: entity.spec?.type as string | undefined,
        lifecycle: entity.spec?.lifecycle as string | undefined,
        title: entity.metadata.title,
        ownerRef,
      });
    }
    await this.store.replaceMirror(groups, entities);
    this.logger.debug(
      `Mirrored ${groups.length} groups and ${entities.length} owned entities from the catalog`,
    );
    return { groups: groups.length, entities: entities.length };
  }

  private async *query(
    kinds: string[],
    credentials: Awaited<ReturnType<AuthService['getOwnServiceCredentials']>>,
  ): AsyncGenerator<Entity> {
    let cursor: string | undefined;
    do {
      const response = await this.catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE_SIZE }
          : {
              filter: { kind: kinds },
              fields: [
                'kind',
                'metadata.name',
                'metadata.namespace',
                'metadata.title',
                'spec.type',
                'spec.lifecycle',
                'spec.profile.displayName',
                'relations',
              ],
              limit: PAGE_SIZE,
            },
        { credentials },
      );
      yield* response.items;
      cursor = response.pageInfo.nextCursor;
    } while (cursor);
  }
}

function targetOf(entity: Entity, type: string): string | undefined {
  return entity.relations?.find(r => r.type === type)?.targetRef;
}
