// Types of scripts/build.js, which is plain JavaScript so that it runs before anything is compiled.

/** dist/, where the build goes. */
export declare const DIST: string;
/** True when dist/ holds a build of the current sources. */
export declare function distIsFresh(): boolean;
/** Builds dist/ if it is stale; false when no TypeScript compiler is installed. Throws with tsc's output on failure. */
export declare function buildIfStale(): boolean;
