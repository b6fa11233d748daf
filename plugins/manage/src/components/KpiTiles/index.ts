export { KpiTiles } from './KpiTiles';
