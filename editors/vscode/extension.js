// @ts-check
// The VS Code side of verdict's editor support: starts `verdict lsp` for
// `.policy` files and restarts it when its path setting changes.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("verdict.server.path")) {
        await stop();
        await start();
      }
    }),
    vscode.commands.registerCommand("verdict.restartServer", async () => {
      await stop();
      await start();
    }),
  );
  await start();
}

async function start() {
  const command = vscode.workspace.getConfiguration("verdict").get("server.path", "verdict") || "verdict";
  /** @type {import("vscode-languageclient/node").ServerOptions} */
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  /** @type {import("vscode-languageclient/node").LanguageClientOptions} */
  const options = {
    documentSelector: [{ language: "verdict-policy" }],
    // The server also registers these itself when it may; this covers clients that do not let it.
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml,rhai,txt}"),
    },
  };
  client = new LanguageClient("verdict", "verdict", server, options);
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `verdict: cannot start \`${command} lsp\` (${error}). Set "verdict.server.path" to the verdict binary.`,
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop().catch(() => undefined);
  }
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
