// Types of pool_sync.mjs (see there).
export declare const JOB: number, DONE: number, QUIT: number, FN: number, NARGS: number, WSARG: number, WORKERS_ASLEEP: number, CALLER_ASLEEP: number;
export declare const WS_BYTE: number, ARGS_BYTE: number, MAX_ARGS: number;
export declare function claim(w: Int32Array, gen: number): number;
export declare function waitFor(w: Int32Array, index: number, ready: (v: number) => boolean, spinMs: number, asleep: number, timeoutMs: number): void;
