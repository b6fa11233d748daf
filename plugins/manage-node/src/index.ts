/**
 * For backend modules of the manage plugin: the KPI providers extension point and the catalog lookup that
 * providers keyed by an entity annotation share.
 *
 * @packageDocumentation
 */
export {
  manageKpiProvidersExtensionPoint,
  type KpiProvider,
  type ManageKpiProvidersExtensionPoint,
} from './extensions';
export { entitiesByAnnotation } from './entitiesByAnnotation';
export {
  createKpiProviderModule,
  type KpiProviderModuleContext,
  type KpiProviderModuleOptions,
} from './createKpiProviderModule';
