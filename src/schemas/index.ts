/** All zod schemas: the single source of truth for every boundary. */
export * from './vocabulary.js';
export * from './card.js';
export * from './policy.js';
export * from './request.js';
export * from './plan.js';
export * from './verdict.js';
export * from './audit.js';
export * from './config.js';
