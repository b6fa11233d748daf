export { Sparkline } from './Sparkline';
export type { SparklinePoint } from './Sparkline';
