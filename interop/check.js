// Runs validators that are not written in Go on callspec's output; the Go
// test interop_test.go (package interop) calls it. Usage:
//
//   node check.js schemas FILE…      compile each JSON Schema with Ajv
//   node check.js junit XSD FILE…    validate each JUnit report with libxml2
//
// Ajv is used as a consumer would: the 2020-12 class with its DEFAULT
// options (strict mode on: an unknown keyword or format is an error) and
// ajv-formats, the plugin Ajv's documentation adds for "format". What
// strict mode only logs by default (strictTypes, strictTuples) counts as a
// problem too: the logger collects it. Exit 1 with one line per problem
// when anything is refused or logged.
'use strict';
const fs = require('fs');
const path = require('path');

async function schemas(files) {
  const Ajv2020 = require('ajv/dist/2020').default;
  const addFormats = require('ajv-formats').default;
  const problems = [];
  for (const file of files) {
    const warn = (...args) => problems.push(`${file}: ${args.join(' ')}`);
    const ajv = new Ajv2020({ logger: { log: console.log, warn, error: warn } });
    addFormats(ajv);
    try {
      ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (err) {
      problems.push(`${file}: ${err.message}`);
    }
  }
  return problems;
}

async function junit(xsd, files) {
  const { validateXML } = require('xmllint-wasm');
  const result = await validateXML({
    xml: files.map((f) => ({ fileName: path.basename(f), contents: fs.readFileSync(f, 'utf8') })),
    schema: [{ fileName: path.basename(xsd), contents: fs.readFileSync(xsd, 'utf8') }],
  });
  return result.errors.map((e) => e.rawMessage.trim());
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  let problems;
  if (mode === 'schemas') {
    problems = await schemas(args);
  } else if (mode === 'junit') {
    problems = await junit(args[0], args.slice(1));
  } else {
    console.error('usage: node check.js schemas FILE… | junit XSD FILE…');
    process.exit(2);
  }
  for (const p of problems) console.log(p);
  process.exit(problems.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
