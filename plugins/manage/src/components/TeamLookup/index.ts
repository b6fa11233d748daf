export { TeamLookup } from './TeamLookup';
