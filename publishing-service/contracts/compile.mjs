// Compiles the collection contract with the pinned solc (solc-js: the compiler is inside the npm
// package, so the output depends only on the sources and the settings below) and writes its ABI
// and creation bytecode. Usage: node compile.mjs <node_modules folder> <output folder>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const [modules, out] = process.argv.slice(2);
if (!modules || !out) {
  console.error('usage: node compile.mjs <node_modules folder> <output folder>');
  process.exit(2);
}
const solc = createRequire(path.join(modules, 'index.js'))('solc');
const here = path.dirname(fileURLToPath(import.meta.url));
const CONTRACT = 'EmPropsCollection';
const source = `contracts/${CONTRACT}.sol`;

const input = {
  language: 'Solidity',
  sources: { [source]: { content: fs.readFileSync(path.join(here, `${CONTRACT}.sol`), 'utf8') } },
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    viaIR: true, // the constructor's twelve arguments are too many for the legacy code generator's stack
    outputSelection: { [source]: { [CONTRACT]: ['abi', 'evm.bytecode.object'] } },
  },
};

function findImports(name) {
  const file = path.join(modules, name);
  return fs.existsSync(file) ? { contents: fs.readFileSync(file, 'utf8') } : { error: `not found: ${name}` };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
(output.errors || []).filter((e) => e.severity !== 'error').forEach((e) => console.error(e.formattedMessage));
if (errors.length) {
  errors.forEach((e) => console.error(e.formattedMessage));
  process.exit(1);
}
const compiled = output.contracts[source][CONTRACT];
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, `${CONTRACT}.abi`), JSON.stringify(compiled.abi, null, 2) + '\n');
fs.writeFileSync(path.join(out, `${CONTRACT}.bin`), compiled.evm.bytecode.object);
console.log(`${CONTRACT}: solc ${solc.version()}, ${compiled.evm.bytecode.object.length / 2} bytes of creation code`);
