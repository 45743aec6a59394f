/** Moved to linalg/neighbours.ts (shared with compute/); this re-export keeps existing imports working. */
export { TopK } from '../linalg/neighbours.js';
