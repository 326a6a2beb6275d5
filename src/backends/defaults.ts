// Registers the built-in backends by name (used by the CLI's --backend and createBackend()).
import { registerBackend } from '../backend.js';
import { createRefBackend } from './ref/index.js';
import { type TfjsOptions, createTfjsBackend } from './tfjs/index.js';
import { type WasmOptions, createWasmBackend } from './wasm/index.js';

registerBackend('ref', async (o) => createRefBackend(o as { f64?: boolean }));
registerBackend('wasm', (o) => createWasmBackend(o as WasmOptions));
registerBackend('tfjs', (o) => createTfjsBackend(o as TfjsOptions));
