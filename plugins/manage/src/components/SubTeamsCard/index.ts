export { SubTeamsCard } from './SubTeamsCard';
