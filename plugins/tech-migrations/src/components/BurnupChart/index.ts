export { BurnupChart } from './BurnupChart';
