/**
 * The org model for backend plugins: `orgModelServiceRef` (plugin-scoped, default factory included) keeps the
 * catalog's groups as an `OrgModel` from `@internal/plugin-org-model-common`.
 *
 * @packageDocumentation
 */
export {
  orgModelServiceFactory,
  orgModelServiceRef,
  type OrgModelService,
} from './OrgModelService';
