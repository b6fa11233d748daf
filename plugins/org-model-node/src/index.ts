/**
 * The org model for backend plugins: `orgModelServiceRef` (plugin-scoped, default factory included) keeps the
 * catalog's groups as an `OrgModel` of the org-model-common package.
 *
 * @packageDocumentation
 */
export {
  orgModelServiceFactory,
  orgModelServiceRef,
  type OrgModelService,
} from './OrgModelService';
