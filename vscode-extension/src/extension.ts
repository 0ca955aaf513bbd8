// VS Code client for bundle-ls: one language server per workspace folder that is a Config
// Directory (it has a bundle-ls.yaml, or an Initializer `configuration/` folder).
import * as path from "path";
import * as readline from "readline";
import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  InlayHintRequest,
  LanguageClient,
  LanguageClientOptions,
  ProgressToken,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
} from "vscode-languageclient/node";
import { isConfigDirectory } from "./configDirectory";
import { registerEffectiveCommands } from "./effective";
import { expandPath, resolveServer, ServerNotFound } from "./serverCommand";
import { StatusBar } from "./status";
import { TraceChannel } from "./traceChannel";

const SECTION = "bundleLs";

interface FolderServer {
  folder: vscode.WorkspaceFolder;
  client?: LanguageClient;
  stopping: boolean;
  /** The client reached Running at least once (a server that never starts is not restarted). */
  everRunning: boolean;
  /** The last lines the server wrote to stderr, quoted when it fails. */
  stderrTail: string[];
  progress: Map<ProgressToken, { title: string; message?: string; percentage?: number }>;
  disposables: vscode.Disposable[];
}

let output: vscode.LogOutputChannel;
let traceChannel: TraceChannel;
let status: StatusBar;
const servers = new Map<string, FolderServer>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("bundle-ls", { log: true });
  traceChannel = new TraceChannel(output, SECTION);
  status = new StatusBar();
  context.subscriptions.push(output, traceChannel, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("bundleLs.restartServer", () => restartAll()),
    vscode.commands.registerCommand("bundleLs.showOutput", () => output.show(true)),
    ...registerEffectiveCommands(clientFor),
    vscode.workspace.onDidChangeConfiguration((e) => {
      for (const s of [...servers.values()]) {
        if (
          e.affectsConfiguration(`${SECTION}.server`, s.folder.uri) ||
          e.affectsConfiguration(`${SECTION}.schemas`, s.folder.uri) ||
          e.affectsConfiguration(`${SECTION}.csvColumnHints`, s.folder.uri)
        ) {
          output.info(`[${s.folder.name}] settings changed: restarting the server`);
          void restartFolder(s.folder);
        }
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(async (e) => {
      for (const f of e.removed) {
        await stopFolder(f.uri.toString());
      }
      for (const f of e.added) {
        void maybeStart(f);
      }
    }),
    // Column-name hints follow the cursor: the row it is on gets them anew.
    vscode.window.onDidChangeTextEditorSelection((e) => refreshColumnHints(e.textEditor.document)),
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (doc.languageId === "yaml" || doc.languageId === "csv") {
        const f = vscode.workspace.getWorkspaceFolder(doc.uri);
        if (f) {
          void maybeStart(f);
        }
      }
    }),
  );

  const folders = vscode.workspace.workspaceFolders ?? [];
  await Promise.all(folders.map((f) => maybeStart(f)));
  if (servers.size === 0) {
    output.info(
      "No workspace folder is a Config Directory (none has a bundle-ls.yaml or a configuration/ folder): bundle-ls stays idle.",
    );
  }
}

/** The running client of the folder holding `uri`, else of the first folder that has one. */
function clientFor(uri?: vscode.Uri): LanguageClient | undefined {
  const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
  const own = folder ? servers.get(folder.uri.toString())?.client : undefined;
  const running = (c?: LanguageClient) => (c && c.state === State.Running ? c : undefined);
  return running(own) ?? [...servers.values()].map((s) => running(s.client)).find((c) => c);
}

export async function deactivate(): Promise<void> {
  await Promise.all([...servers.keys()].map((k) => stopFolder(k)));
}

async function maybeStart(folder: vscode.WorkspaceFolder): Promise<void> {
  if (folder.uri.scheme !== "file" || servers.has(folder.uri.toString())) {
    return;
  }
  if (!isConfigDirectory(folder.uri.fsPath)) {
    return;
  }
  await startFolder(folder);
}

function schemaFolders(folder: vscode.WorkspaceFolder, raw?: unknown): string[] {
  const list = raw !== undefined ? raw : vscode.workspace.getConfiguration(SECTION, folder.uri).get<unknown>("schemas", []);
  if (!Array.isArray(list)) {
    return [];
  }
  return list
    .filter((s): s is string => typeof s === "string" && s.trim().length > 0)
    .map((s) => {
      const p = expandPath(s, folder.uri.fsPath);
      return path.isAbsolute(p) ? p : path.resolve(folder.uri.fsPath, p);
    });
}

async function startFolder(folder: vscode.WorkspaceFolder): Promise<void> {
  const key = folder.uri.toString();
  const entry: FolderServer = {
    folder,
    stopping: false,
    everRunning: false,
    stderrTail: [],
    progress: new Map(),
    disposables: [],
  };
  servers.set(key, entry);
  status.set(folder.uri.fsPath, { kind: "starting" });

  const cfg = vscode.workspace.getConfiguration(SECTION, folder.uri);
  let server;
  try {
    server = await resolveServer(
      { command: cfg.get<string[]>("server.command", []) ?? [], pythonPath: cfg.get<string>("server.pythonPath", "") ?? "" },
      folder.uri.fsPath,
    );
  } catch (e) {
    reportFailure(entry, e);
    return;
  }
  if (servers.get(key) !== entry) {
    return; // stopped while we were looking for the server
  }
  output.info(`[${folder.name}] starting: ${[server.command, ...server.args, "--stdio"].join(" ")} (from ${server.origin})`);

  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    transport: TransportKind.stdio,
    options: { cwd: folder.uri.fsPath },
  };
  const pattern = `${folder.uri.fsPath.replace(/\\/g, "/")}/**/*`;
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, "**/*.{yaml,yml,csv,json}"));
  entry.disposables.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "yaml", pattern },
      { scheme: "file", language: "csv", pattern },
    ],
    workspaceFolder: folder,
    outputChannel: output,
    traceOutputChannel: traceChannel,
    stdioOptions: {
      stdout: (input, channel) => lines(input, (line) => channel.info(line)),
      stderr: (input, channel) =>
        lines(input, (line) => {
          // The server logs to stderr; keep the last lines to quote them if it fails.
          channel.info(`[server] ${line}`);
          if (line.trim()) {
            entry.stderrTail.push(line.trim());
            entry.stderrTail.splice(0, Math.max(0, entry.stderrTail.length - 5));
          }
        }),
    },
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: errorHandler(entry),
    // A failed initialize is reported by startFolder, once; no second, bare notification.
    initializationFailedHandler: (error) => {
      output.error(`[${folder.name}] initialize failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    },
    initializationOptions: () => ({ schemas: schemaFolders(folder) }),
    // Settings reach the server in initializationOptions and through workspace/configuration;
    // a change of them restarts the server (see activate), so no didChangeConfiguration push.
    synchronize: { fileEvents: watcher },
    middleware: {
      // The server names the column of each cell in the range it is asked for; the rows the
      // cursor is on are the ones worth it (csvColumnHints).
      provideInlayHints: (document, viewPort, token, next) => {
        const rows = cursorRows(document);
        return rows === undefined ? [] : next(document, rows, token);
      },
      handleWorkDoneProgress: (token, params, next) => {
        onProgress(entry, token, params);
        next(token, params);
      },
      workspace: {
        // Answer workspace/configuration for `bundleLs` with the schema folders made absolute.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return result.map((value, i) => {
            const section = params.items[i]?.section;
            if (section === SECTION && value && typeof value === "object") {
              return { ...(value as object), schemas: schemaFolders(folder, (value as { schemas?: unknown }).schemas) };
            }
            if (section === `${SECTION}.schemas`) {
              return schemaFolders(folder, value);
            }
            return value;
          });
        },
      },
    },
  };

  const client = new BundleLsClient("bundleLs", "bundle-ls", serverOptions, clientOptions);
  entry.client = client;
  entry.disposables.push(
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped && !entry.stopping && servers.get(key) === entry) {
        const message = "the server stopped unexpectedly; see the bundle-ls output, then run 'bundle-ls: Restart Server'";
        status.set(folder.uri.fsPath, { kind: "error", message });
      } else if (e.newState === State.Running) {
        entry.everRunning = true;
        if (entry.progress.size === 0) {
          status.set(folder.uri.fsPath, { kind: "ready" });
        }
      }
    }),
  );
  try {
    await client.start();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // Let the server's last words on stderr arrive before quoting them.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const said = entry.stderrTail.length > 0 ? `; it said: ${entry.stderrTail.slice(-2).join(" / ")}` : `: ${msg}`;
    reportFailure(
      entry,
      new ServerNotFound(
        `bundle-ls: the server '${server.command}' failed to start${said}.`,
        "See the bundle-ls output for the server's own error, fix it, then run 'bundle-ls: Restart Server'.",
      ),
    );
    return;
  }
  if (entry.progress.size === 0 && status.get(folder.uri.fsPath)?.kind !== "error") {
    status.set(folder.uri.fsPath, { kind: "ready" });
  }
}

/** The lines of the cursors in the editor showing `document`, or undefined when none does. */
function cursorRows(document: vscode.TextDocument): vscode.Range | undefined {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  if (editor === undefined) {
    return undefined;
  }
  const lines = editor.selections.map((sel) => sel.active.line);
  const first = Math.min(...lines);
  const last = Math.max(...lines);
  return new vscode.Range(first, 0, last, document.lineAt(last).text.length);
}

function refreshColumnHints(document: vscode.TextDocument): void {
  if (document.languageId !== "csv") {
    return;
  }
  for (const s of servers.values()) {
    if (!vscode.workspace.getConfiguration(SECTION, s.folder.uri).get<boolean>("csvColumnHints", false)) {
      continue;
    }
    const feature = s.client?.getFeature(InlayHintRequest.method);
    feature?.getProvider(document)?.onDidChangeInlayHints.fire();
  }
}

function lines(input: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on("line", onLine);
}

/**
 * The library's own notifications about a broken connection are left to the output channel:
 * the extension reports those failures itself, once, with what to do.
 */
class BundleLsClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification: boolean | "force" = true): void {
    const reportedByUs = /couldn't create connection to server|connection to server is erroring|Connection to server got closed/i;
    super.error(message, data, reportedByUs.test(message) ? false : showNotification);
  }
}

/**
 * Like the client's default (restart a crashed server up to 4 times in 3 minutes), but the
 * messages go to the output channel and the status bar, and giving up is said once, with
 * what to do, instead of the client's generic notifications.
 */
function errorHandler(entry: FolderServer): ErrorHandler {
  const restarts: number[] = [];
  const maxRestarts = 4;
  return {
    error(error, _message, count): ErrorHandlerResult {
      output.error(`[${entry.folder.name}] connection to the server: ${error.message}`);
      return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
    },
    closed(): CloseHandlerResult {
      if (entry.stopping || !entry.everRunning) {
        // Stopped on purpose, or it never started: startFolder reports that failure.
        return { action: CloseAction.DoNotRestart, handled: true };
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && now - restarts[0] > 3 * 60 * 1000) {
        restarts.shift();
      }
      if (restarts.length <= maxRestarts) {
        output.warn(`[${entry.folder.name}] the server stopped; restarting it (${restarts.length} of ${maxRestarts})`);
        status.set(entry.folder.uri.fsPath, { kind: "starting" });
        return { action: CloseAction.Restart, handled: true };
      }
      reportFailure(
        entry,
        new ServerNotFound(
          `bundle-ls: the server stopped ${maxRestarts + 1} times in 3 minutes and will not be restarted` +
            (entry.stderrTail.length > 0 ? `; it said: ${entry.stderrTail[entry.stderrTail.length - 1]}.` : "."),
          "See the bundle-ls output for the server's own error, fix it, then run 'bundle-ls: Restart Server'.",
        ),
      );
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}

function onProgress(
  entry: FolderServer,
  token: ProgressToken,
  params: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd,
): void {
  const where = entry.folder.uri.fsPath;
  if (params.kind === "begin") {
    entry.progress.set(token, { title: params.title, message: params.message, percentage: params.percentage });
  } else if (params.kind === "report") {
    const p = entry.progress.get(token);
    if (p) {
      p.message = params.message ?? p.message;
      p.percentage = params.percentage ?? p.percentage;
    }
  } else {
    entry.progress.delete(token);
    if (params.message) {
      output.info(`[${entry.folder.name}] ${params.message}`);
    }
  }
  const current = [...entry.progress.values()][0];
  if (current) {
    status.set(where, { kind: "indexing", title: current.title, message: current.message, percentage: current.percentage });
  } else if (status.get(where)?.kind === "indexing") {
    status.set(where, { kind: "ready" });
  }
}

function reportFailure(entry: FolderServer, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  const fix = e instanceof ServerNotFound ? e.fix : "See the bundle-ls output.";
  status.set(entry.folder.uri.fsPath, { kind: "error", message: `${message} ${fix}` });
  output.error(`${message}\n  Fix: ${fix}`);
  void vscode.window.showErrorMessage(`${message} ${fix}`, "Open Settings", "Show Output").then((choice) => {
    if (choice === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "bundleLs.server");
    } else if (choice === "Show Output") {
      output.show(true);
    }
  });
}

async function stopFolder(key: string): Promise<void> {
  const entry = servers.get(key);
  if (!entry) {
    return;
  }
  servers.delete(key);
  entry.stopping = true;
  status.delete(entry.folder.uri.fsPath);
  try {
    if (entry.client && entry.client.state !== State.Stopped) {
      await entry.client.stop(5000);
    }
  } catch (e) {
    output.warn(`[${entry.folder.name}] stopping the server: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const d of entry.disposables) {
    d.dispose();
  }
}

async function restartFolder(folder: vscode.WorkspaceFolder): Promise<void> {
  await stopFolder(folder.uri.toString());
  await maybeStart(folder);
}

async function restartAll(): Promise<void> {
  output.info("Restarting bundle-ls");
  await Promise.all([...servers.keys()].map((k) => stopFolder(k)));
  const folders = vscode.workspace.workspaceFolders ?? [];
  await Promise.all(folders.map((f) => maybeStart(f)));
  if (servers.size === 0) {
    void vscode.window.showInformationMessage(
      "bundle-ls: no workspace folder is a Config Directory (add a bundle-ls.yaml at its root).",
    );
  }
}
