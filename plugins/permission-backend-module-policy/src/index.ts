/**
 * The portal's permission policy, installed in the permission backend.
 *
 * @packageDocumentation
 */
export { permissionModulePolicy as default } from './module';
