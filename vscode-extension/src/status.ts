// The status-bar item: starting, indexing (with the server's $/progress percentage), ready, or error.
import * as vscode from "vscode";

export type FolderState =
  | { kind: "starting" }
  | { kind: "indexing"; title: string; message?: string; percentage?: number }
  | { kind: "ready" }
  | { kind: "stopped" }
  | { kind: "error"; message: string };

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly states = new Map<string, FolderState>();

  constructor() {
    this.item = vscode.window.createStatusBarItem("bundleLs.status", vscode.StatusBarAlignment.Left, 10);
    this.item.name = "bundle-ls";
    this.item.command = "bundleLs.showOutput";
    this.render();
  }

  set(folder: string, state: FolderState): void {
    this.states.set(folder, state);
    this.render();
  }

  delete(folder: string): void {
    this.states.delete(folder);
    this.render();
  }

  get(folder: string): FolderState | undefined {
    return this.states.get(folder);
  }

  private render(): void {
    const all = [...this.states.entries()];
    if (all.length === 0) {
      this.item.hide();
      return;
    }
    const errors = all.filter(([, s]) => s.kind === "error") as [string, Extract<FolderState, { kind: "error" }>][];
    const indexing = all.filter(([, s]) => s.kind === "indexing") as [string, Extract<FolderState, { kind: "indexing" }>][];
    const starting = all.filter(([, s]) => s.kind === "starting");
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = false;
    for (const [folder, s] of all) {
      tooltip.appendMarkdown(`**${escapeMd(folder)}**: ${escapeMd(describe(s))}\n\n`);
    }
    tooltip.appendMarkdown("Click to show the bundle-ls output.");
    this.item.tooltip = tooltip;
    this.item.backgroundColor = undefined;
    if (errors.length > 0) {
      this.item.text = "$(error) bundle-ls: error";
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
      this.item.accessibilityInformation = { label: `bundle-ls error: ${errors[0][1].message}` };
    } else if (indexing.length > 0) {
      const pcts = indexing.map(([, s]) => s.percentage).filter((p): p is number => typeof p === "number");
      const pct = pcts.length > 0 ? ` ${Math.round(Math.min(...pcts))}%` : "";
      this.item.text = `$(sync~spin) bundle-ls: indexing${pct}`;
      this.item.accessibilityInformation = { label: `bundle-ls indexing${pct}` };
    } else if (starting.length > 0) {
      this.item.text = "$(loading~spin) bundle-ls: starting";
      this.item.accessibilityInformation = { label: "bundle-ls starting" };
    } else if (all.every(([, s]) => s.kind === "stopped")) {
      this.item.text = "$(circle-slash) bundle-ls: stopped";
      this.item.accessibilityInformation = { label: "bundle-ls stopped" };
    } else {
      this.item.text = "$(check) bundle-ls";
      this.item.accessibilityInformation = { label: "bundle-ls ready" };
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

function describe(s: FolderState): string {
  switch (s.kind) {
    case "starting":
      return "starting the server";
    case "indexing":
      return `${s.title}${typeof s.percentage === "number" ? ` ${Math.round(s.percentage)}%` : ""}${s.message ? ` (${s.message})` : ""}`;
    case "ready":
      return "ready";
    case "stopped":
      return "stopped";
    case "error":
      return s.message;
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
