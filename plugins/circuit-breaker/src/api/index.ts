export {
  circuitBreakerApiRef,
  CircuitBreakerClient,
} from './CircuitBreakerApi';
export type { CircuitBreakerApi } from './CircuitBreakerApi';
