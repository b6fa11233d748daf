export { EntityWebVitalsCard } from './EntityWebVitalsCard';
