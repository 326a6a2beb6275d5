// A group signal (Ctrl-C; SIGTERM from `timeout`) reaches the pool's workers too: stop after a checkpoint, don't die.
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
      expect([w.exitCode, w.signalCode]).toEqual([null, null]);
      const exited = once(w, 'exit');
      w.disconnect();
      expect(await exited).toEqual([0, null]);
    }, 20_000);
  }
});
