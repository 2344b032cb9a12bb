// Grammar tests: the scope assertions of tests/*.policy (vscode-tmgrammar-test),
// and snapshots of the scopes of every shipped policy (../../policies/*.policy,
// copied into tests/shipped/ beside their .snap files; vscode-tmgrammar-snap).
// `node tests/run.js --update` rewrites the snapshots after a deliberate change.
"use strict";

const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const grammar = "syntaxes/policy.tmLanguage.json";
const update = process.argv.includes("--update");

function run(tool, args) {
  console.log(`$ ${tool} ${args.join(" ")}`);
  execFileSync(bin(tool), args, { cwd: root, stdio: "inherit" });
}

const shipped = path.join(__dirname, "shipped");
const policies = path.resolve(root, "..", "..", "policies");
fs.mkdirSync(shipped, { recursive: true });
const names = fs.readdirSync(policies).filter((f) => f.endsWith(".policy"));
for (const name of names) {
  fs.copyFileSync(path.join(policies, name), path.join(shipped, name));
}
for (const old of fs.readdirSync(shipped)) {
  const policy = old.replace(/\.snap$/, "");
  if (!names.includes(policy)) {
    fs.rmSync(path.join(shipped, old));
    if (!update) {
      console.error(`tests/shipped/${old} is for a policy no longer shipped: run \`npm run test:update\``);
      process.exitCode = 1;
    }
  }
}

try {
  run("vscode-tmgrammar-test", ["--compact", "-g", grammar, "tests/*.policy"]);
  run("vscode-tmgrammar-snap", [...(update ? ["--updateSnapshot"] : []), "-g", grammar, "tests/shipped/*.policy"]);
} catch (error) {
  console.error(
    "grammar tests failed; if a shipped policy changed on purpose, review the diff above and run `npm run test:update`",
  );
  process.exit(1);
}

// Every character of a shipped policy is something the grammar knows.
for (const name of names) {
  const snap = fs.readFileSync(path.join(shipped, `${name}.snap`), "utf8");
  if (snap.includes("invalid.illegal")) {
    console.error(`tests/shipped/${name}.snap: some text of ${name} is not known to the grammar (invalid.illegal)`);
    process.exitCode = 1;
  }
}
if (!process.exitCode) {
  console.log(`grammar: scope tests and ${names.length} shipped policies passed`);
}
