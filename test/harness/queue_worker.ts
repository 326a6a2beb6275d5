// One worker process of the queue tests (spawned with tsx): runs reproduceQueue with the settings
// given as JSON in argv[2], Ctrl-C (SIGINT) as the CLI does, and prints the result as JSON on stdout.
// Exit 0 when every cell is done, 1 when a cell failed, 130 when interrupted.
import { reproduceQueue, type QueueOptions } from '../../src/reproduce/queue.js';

const o = JSON.parse(process.argv[2]) as Omit<QueueOptions, 'stderr' | 'signal'>;
const ctl = new AbortController();
process.on('SIGINT', () => ctl.abort());
const r = await reproduceQueue({ ...o, stderr: process.stderr, signal: ctl.signal });
process.stdout.write(JSON.stringify(r) + '\n');
process.exitCode = r.interrupted ? 130 : r.failed.length ? 1 : 0;
