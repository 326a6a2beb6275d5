// A signal sent to the whole process group (Ctrl-C, or SIGTERM from `timeout` or a scheduler) reaches
// the pool's workers as well as the parent: a worker must take it as "stop after a checkpoint", not
// die mid-run (it did on SIGTERM, losing up to one checkpoint interval).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { scriptEntry } from '../../src/reproduce/entry.js';

describe('a reproduce worker', () => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`survives ${sig} and exits cleanly when its parent lets go`, async () => {
      const entry = scriptEntry('worker');
      const w = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'json' });
      await once(w, 'spawn');
      await new Promise((r) => setTimeout(r, 1500)); // its handlers are installed once the module has loaded
      w.kill(sig);
      await new Promise((r) => setTimeout(r, 500));
      expect(w.exitCode).toBeNull();
      expect(w.signalCode).toBeNull();
      const exited = once(w, 'exit');
      w.disconnect();
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    }, 20_000);
  }
});
