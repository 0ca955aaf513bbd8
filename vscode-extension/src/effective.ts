// The effective configuration: "bundle-ls: Show Effective Configuration" opens the report page
// of one namespace (the one under the cursor, else one the user picks) in a webview, and the
// server's code lenses ("also in N files") show the other places as references.
import * as vscode from "vscode";
import { LanguageClient } from "vscode-languageclient/node";

const EFFECTIVE_REQUEST = "bundle-ls/effectiveConfiguration";

interface Position {
  line: number;
  character: number;
}

interface Place {
  uri: string;
  range: { start: Position; end: Position };
}

interface NamespaceChoice {
  namespace: string;
  label: string;
  objects: number;
}

/** The server's answer: a page, or the namespaces to choose from. */
interface EffectiveAnswer {
  namespace?: string;
  title?: string;
  html?: string;
  namespaces?: NamespaceChoice[];
}

/** The running client of the folder holding `uri` (else of any folder). */
export type ClientFor = (uri?: vscode.Uri) => LanguageClient | undefined;

export function registerEffectiveCommands(clientFor: ClientFor): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand("bundleLs.showLocations", showLocations),
    vscode.commands.registerCommand("bundleLs.showEffectiveConfiguration", () => showEffective(clientFor)),
  ];
}

async function showLocations(uri: string, position: Position, places: Place[]): Promise<void> {
  const locations = places.map(
    (p) =>
      new vscode.Location(
        vscode.Uri.parse(p.uri),
        new vscode.Range(p.range.start.line, p.range.start.character, p.range.end.line, p.range.end.character),
      ),
  );
  await vscode.commands.executeCommand(
    "editor.action.showReferences",
    vscode.Uri.parse(uri),
    new vscode.Position(position.line, position.character),
    locations,
  );
}

async function showEffective(clientFor: ClientFor): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const client = clientFor(editor?.document.uri);
  if (!client) {
    void vscode.window.showInformationMessage("bundle-ls: no Config Directory is open, so there is no configuration to show.");
    return;
  }
  const here = editor
    ? {
        uri: client.code2ProtocolConverter.asUri(editor.document.uri),
        position: { line: editor.selection.active.line, character: editor.selection.active.character },
      }
    : {};
  let answer = await ask(client, here);
  if (answer?.namespaces) {
    if (answer.namespaces.length === 0) {
      void vscode.window.showInformationMessage("bundle-ls: this folder defines no configuration objects yet.");
      return;
    }
    const pick = await vscode.window.showQuickPick(
      answer.namespaces.map((n) => ({ label: n.label, description: `${n.objects} objects`, namespace: n.namespace })),
      { placeHolder: "Show the effective configuration of…" },
    );
    if (!pick) {
      return;
    }
    answer = await ask(client, { namespace: pick.namespace });
  }
  if (!answer?.html) {
    void vscode.window.showErrorMessage("bundle-ls: the server could not make the effective configuration; see the bundle-ls output.");
    return;
  }
  const panel = vscode.window.createWebviewPanel(
    "bundleLs.effectiveConfiguration",
    answer.title ?? "Effective configuration",
    vscode.ViewColumn.Beside,
    // The page is bundle-ls's own report: its script draws the graph and pages the tables.
    { enableScripts: true, enableFindWidget: true },
  );
  panel.webview.html = answer.html;
}

function ask(client: LanguageClient, params: object): Thenable<EffectiveAnswer | null> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: "bundle-ls: effective configuration" },
    () => client.sendRequest<EffectiveAnswer | null>(EFFECTIVE_REQUEST, params),
  );
}
