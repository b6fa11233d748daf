import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ORG_GROUP_FIELDS, OrgModel } from '@internal/plugin-org-model-common';
import { OrgModelService } from './OrgModelService';

/**
 * The org read from the catalog with the plugin's own service credentials (the whole org, whoever asks; what a
 * caller may see is decided per request by the plugin). The last good read is kept: a failed refresh keeps the
 * previous org, and concurrent refreshes share one catalog read.
 */
export class CatalogOrgModel implements OrgModelService {
  private org: OrgModel | undefined;
  private reading: Promise<OrgModel> | undefined;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  async current(): Promise<OrgModel> {
    return this.org ?? this.refresh();
  }

  refresh(): Promise<OrgModel> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<OrgModel> {
    const { catalog, auth, logger } = this.deps;
    const { items } = await catalog.getEntities(
      { filter: { kind: 'Group' }, fields: ORG_GROUP_FIELDS },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    this.org = OrgModel.fromEntities(items);
    logger.debug(`Org model: ${items.length} groups read from the catalog`);
    return this.org;
  }
}
