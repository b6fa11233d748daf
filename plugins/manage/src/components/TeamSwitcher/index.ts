export { TeamSwitcher } from './TeamSwitcher';
