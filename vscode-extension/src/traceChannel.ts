// vscode-languageclient 11 traces the protocol only while its trace channel's log level is
// Trace, and writes the trace at that level. This wrapper makes the `bundleLs.trace.server`
// setting alone enough: while it is not "off" the channel reports the Trace level, and trace
// lines are written to the bundle-ls output channel at the level it always shows.
import * as vscode from "vscode";

export class TraceChannel implements vscode.LogOutputChannel {
  private readonly emitter = new vscode.EventEmitter<vscode.LogLevel>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChangeLogLevel = this.emitter.event;

  constructor(
    private readonly out: vscode.LogOutputChannel,
    private readonly section: string,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${section}.trace.server`)) {
          this.emitter.fire(this.logLevel);
        }
      }),
      out.onDidChangeLogLevel(() => this.emitter.fire(this.logLevel)),
    );
  }

  get name(): string {
    return this.out.name;
  }

  get logLevel(): vscode.LogLevel {
    const setting = vscode.workspace.getConfiguration(this.section).get<string>("trace.server", "off");
    return setting !== "off" ? vscode.LogLevel.Trace : this.out.logLevel;
  }

  trace(message: string, ...args: unknown[]): void {
    this.out.info(message, ...args);
  }
  debug(message: string, ...args: unknown[]): void {
    this.out.debug(message, ...args);
  }
  info(message: string, ...args: unknown[]): void {
    this.out.info(message, ...args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.out.warn(message, ...args);
  }
  error(error: string | Error, ...args: unknown[]): void {
    this.out.error(error, ...args);
  }
  append(value: string): void {
    this.out.append(value);
  }
  appendLine(value: string): void {
    this.out.appendLine(value);
  }
  replace(value: string): void {
    this.out.replace(value);
  }
  clear(): void {
    this.out.clear();
  }
  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(a?: boolean | vscode.ViewColumn, b?: boolean): void {
    if (typeof a === "boolean" || a === undefined) {
      this.out.show(a);
    } else {
      this.out.show(a, b);
    }
  }
  hide(): void {
    this.out.hide();
  }
  dispose(): void {
    this.emitter.dispose();
    for (const d of this.subscriptions) {
      d.dispose();
    }
  }
}
