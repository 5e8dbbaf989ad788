/**
 * The animation features of motion, in their own chunk: the app renders with `m` components under
 * `LazyMotion` and this arrives after the first paint. `domMax` rather than `domAnimation` because
 * the progress stack animates its cards' positions (`layout="position"`).
 */
export { domMax as default } from 'motion/react';
